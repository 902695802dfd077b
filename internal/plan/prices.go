package plan

import (
	"fmt"
	"slices"
	"strings"
)

// Prices are the per-unit USD prices of one region.
//
// Sources (AWS pricing pages, recorded from the pages as published in
// 2025 and not re-read since; prices may have changed, check them before
// relying on a figure):
//   - "AWS Lambda Pricing": Arm (Graviton2) duration per GB-second and
//     requests per million (Baton's stack runs on arm64).
//   - "Amazon EventBridge Pricing": custom events published, per million
//     (each 64 KB chunk of an entry is one event).
//   - "Amazon DynamoDB Pricing for On-Demand Capacity" (after the
//     November 2024 reduction): write and read request units per million.
//   - "Amazon S3 Pricing", S3 Standard requests: GET and other reads per
//     1,000 (HEAD is priced as a GET).
type Prices struct {
	LambdaGBSecond      float64
	LambdaPerMillion    float64
	EventsPerMillion    float64
	DynamoWRUPerMillion float64
	DynamoRRUPerMillion float64
	S3GETPer1000        float64
}

// regionPrices returns a fresh map on each call (no package-level mutable
// state).
func regionPrices() map[string]Prices {
	return map[string]Prices{
		"us-east-1": {LambdaGBSecond: 0.0000133334, LambdaPerMillion: 0.20, EventsPerMillion: 1.00,
			DynamoWRUPerMillion: 0.625, DynamoRRUPerMillion: 0.125, S3GETPer1000: 0.0004},
		"eu-west-1": {LambdaGBSecond: 0.0000133334, LambdaPerMillion: 0.20, EventsPerMillion: 1.00,
			DynamoWRUPerMillion: 0.7063, DynamoRRUPerMillion: 0.1413, S3GETPer1000: 0.0004},
	}
}

// PricesFor returns region's prices, or an error naming the regions known.
func PricesFor(region string) (Prices, error) {
	m := regionPrices()
	p, ok := m[region]
	if !ok {
		known := make([]string, 0, len(m))
		for r := range m {
			known = append(known, r)
		}
		slices.Sort(known)
		return p, fmt.Errorf("region %q has no prices in the model (known: %s)", region, strings.Join(known, ", "))
	}
	return p, nil
}
