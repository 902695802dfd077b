package plan

// CostLine is one item of the bill.
type CostLine struct {
	Item     string  // e.g. "Lambda duration"
	Quantity float64 // in Unit
	Unit     string  // e.g. "GB-s"
	USD      float64
}

// Cost is the itemised estimate; TotalUSD is the sum of the lines.
type Cost struct {
	Lines    []CostLine
	TotalUSD float64
}

func cost(pr Prices, p Prediction) Cost {
	lines := []CostLine{
		{"Lambda duration (arm64)", p.LambdaGBSeconds, "GB-s", p.LambdaGBSeconds * pr.LambdaGBSecond},
		{"Lambda requests", float64(p.Invocations), "requests", float64(p.Invocations) / 1e6 * pr.LambdaPerMillion},
		{"EventBridge custom events", float64(p.Events.Total()), "events", float64(p.Events.Total()) / 1e6 * pr.EventsPerMillion},
		{"DynamoDB writes (on-demand)", float64(p.Ledger.WriteUnits()), "WRU", float64(p.Ledger.WriteUnits()) / 1e6 * pr.DynamoWRUPerMillion},
		{"DynamoDB reads (on-demand)", float64(p.Ledger.ReadUnits), "RRU", float64(p.Ledger.ReadUnits) / 1e6 * pr.DynamoRRUPerMillion},
		{"S3 GET/HEAD requests", float64(p.S3GETs), "requests", float64(p.S3GETs) / 1000 * pr.S3GETPer1000},
	}
	c := Cost{Lines: lines}
	for _, l := range lines {
		c.TotalUSD += l.USD
	}
	return c
}
