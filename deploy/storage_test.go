package deploy

import (
	"reflect"
	"slices"
)

// The ledger table's shape, as the DynamoDB ledger adapter uses it.
const (
	tableHashKey  = "job"       // job id
	tableRangeKey = "item"      // joblog key: "job", "plan/000003", ...
	tableTTLAttr  = "expiresAt" // epoch seconds
)

// checkStorage: one on-demand ledger table keyed (job, item) with TTL and
// point-in-time recovery, retained when the stack is deleted or replaces it; exactly one bucket sends EventBridge
// notifications (the input), and every other bucket expires its objects.
func checkStorage(t tree) []error {
	var p problems
	tables := ofType(t, "AWS::DynamoDB::Table")
	if len(tables) != 1 {
		p.add("table", "%d DynamoDB tables, want 1", len(tables))
	}
	for _, id := range tables {
		checkTable(props(t, id), id, &p)
		if !retained(t, id) {
			p.add(id, "DeletionPolicy and UpdateReplacePolicy must be Retain: deleting the stack must not drop every result")
		}
	}
	var inputs []string
	for _, id := range ofType(t, "AWS::S3::Bucket") {
		if eventBridgeEnabled(t, id) {
			inputs = append(inputs, id)
		} else if !expires(props(t, id)) {
			p.add(id, "holds claim checks but has no enabled lifecycle rule with ExpirationInDays")
		}
	}
	if len(inputs) != 1 {
		p.add("buckets", "%d buckets with EventBridge notifications %v, want exactly the input bucket", len(inputs), inputs)
	}
	return p
}

func checkTable(pr any, id string, p *problems) {
	if s := str(pr, "BillingMode"); s != "PAY_PER_REQUEST" {
		p.add(id, "BillingMode %q, want PAY_PER_REQUEST", s)
	}
	wantKeys := []any{
		tree{"AttributeName": tableHashKey, "KeyType": "HASH"},
		tree{"AttributeName": tableRangeKey, "KeyType": "RANGE"},
	}
	if got := list(get(pr, "KeySchema")); !reflect.DeepEqual(got, wantKeys) {
		p.add(id, "KeySchema %v, want %v", got, wantKeys)
	}
	defs := list(get(pr, "AttributeDefinitions"))
	for _, k := range []string{tableHashKey, tableRangeKey} {
		if !slices.ContainsFunc(defs, func(d any) bool { return reflect.DeepEqual(d, tree{"AttributeName": k, "AttributeType": "S"}) }) {
			p.add(id, "attribute %s is not defined as S", k)
		}
	}
	if a, on := str(pr, "TimeToLiveSpecification", "AttributeName"), str(pr, "TimeToLiveSpecification", "Enabled"); a != tableTTLAttr || on != "true" {
		p.add(id, "TTL on %q enabled=%q, want %q enabled", a, on, tableTTLAttr)
	}
	if on := str(pr, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"); on != "true" {
		p.add(id, "point-in-time recovery is not enabled")
	}
}

// expires reports whether a bucket has an enabled expiration rule.
func expires(pr any) bool {
	return slices.ContainsFunc(list(get(pr, "LifecycleConfiguration", "Rules")), func(r any) bool {
		return str(r, "Status") == "Enabled" && get(r, "ExpirationInDays") != nil
	})
}
