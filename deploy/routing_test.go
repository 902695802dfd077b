package deploy

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/batonrun/baton/events"
)

// S3's detail-type and source on the default bus (Amazon S3 User Guide,
// "Using EventBridge").
const (
	s3Source        = "aws.s3"
	s3ObjectCreated = "Object Created"
)

// knownTypes are the detail-types events/ defines.
func knownTypes() []string {
	return []string{
		events.TypeJobRequested, events.TypeJobStarted, events.TypeRangePlanned,
		events.TypeRangeAssigned, events.TypeRangeContinued, events.TypeCheckpoint,
		events.TypeRangeCompleted, events.TypeRangeFailed, events.TypeFanInRequested,
		events.TypeJobSucceeded, events.TypeJobFailed,
	}
}

// routedTo is the function each Baton detail-type that starts work must
// reach (DESIGN.md, the flow).
func routedTo() map[string]string {
	return map[string]string{
		events.TypeJobRequested:   splitter,
		events.TypeRangeAssigned:  worker,
		events.TypeRangeContinued: worker,
		events.TypeFanInRequested: aggregator,
	}
}

// route is one rule target: what it matches and which function it invokes.
type route struct {
	rule, bus, fn  string // bus "" is the default bus; fn "" is not a function of ours
	sources, types []string
}

func routes(t tree, p *problems) []route {
	names := functionsByID(t)
	var out []route
	for _, id := range ofType(t, "AWS::Events::Rule") {
		pr := props(t, id)
		bus := refTo(get(pr, "EventBusName"), "")
		if b := get(pr, "EventBusName"); b != nil && bus == "" && b != "default" {
			p.add(id, "EventBusName %v is neither the default bus nor a bus of this stack", b)
		}
		sources, ok1 := texts(get(pr, "EventPattern", "source"))
		types, ok2 := texts(get(pr, "EventPattern", "detail-type"))
		if !ok1 || !ok2 || len(sources) == 0 || len(types) == 0 {
			p.add(id, "EventPattern needs literal source and detail-type lists; without them it matches too much")
		}
		for _, tg := range list(get(pr, "Targets")) {
			out = append(out, route{id, bus, names[refTo(get(tg, "Arn"), "Arn")], sources, types})
		}
	}
	return out
}

// checkRouting: rules name only known detail-types; each detail-type that
// starts work reaches exactly its function, from the custom bus with source
// "baton"; S3 uploads reach the splitter from the default bus, filtered to
// the input bucket.
func checkRouting(t tree) []error {
	var p problems
	rs := routes(t, &p)
	known := append(knownTypes(), s3ObjectCreated)
	for _, r := range rs {
		for _, dt := range r.types {
			if !slices.Contains(known, dt) {
				p.add(r.rule, "detail-type %q is not defined in events/", dt)
			}
		}
	}
	for dt, fn := range routedTo() {
		checkRoute(t, rs, dt, fn, &p, func(r route) error {
			if typeOf(t, r.bus) != "AWS::Events::EventBus" || !reflect.DeepEqual(r.sources, []string{events.Source}) {
				return fmt.Errorf("%s must match source [%s] on the stack's custom bus", r.rule, events.Source)
			}
			return nil
		})
	}
	checkRoute(t, rs, s3ObjectCreated, splitter, &p, func(r route) error {
		if r.bus != "" || !reflect.DeepEqual(r.sources, []string{s3Source}) {
			return fmt.Errorf("%s must match source [%s] on the default bus (S3 sends only there)", r.rule, s3Source)
		}
		names := list(get(props(t, r.rule), "EventPattern", "detail", "bucket", "name"))
		if len(names) != 1 || !eventBridgeEnabled(t, refTo(names[0], "")) {
			return fmt.Errorf("%s must filter detail.bucket.name to the input bucket (EventBridge notifications on)", r.rule)
		}
		return nil
	})
	return p
}

// checkRoute checks that exactly one route matches dt, that it invokes fn
// and that where it listens passes ok.
func checkRoute(t tree, rs []route, dt, fn string, p *problems, ok func(route) error) {
	var hits []route
	for _, r := range rs {
		if slices.Contains(r.types, dt) {
			hits = append(hits, r)
		}
	}
	if len(hits) != 1 {
		p.add(dt, "matched by %d rule targets, want exactly 1 (to %s)", len(hits), fn)
		return
	}
	if hits[0].fn != fn {
		p.add(dt, "rule %s sends it to %q, want %s", hits[0].rule, hits[0].fn, fn)
	}
	if err := ok(hits[0]); err != nil {
		p.add(dt, "%v", err)
	}
}

// eventBridgeEnabled reports whether id is a bucket that sends its
// notifications to EventBridge.
func eventBridgeEnabled(t tree, id string) bool {
	return typeOf(t, id) == "AWS::S3::Bucket" &&
		str(props(t, id), "NotificationConfiguration", "EventBridgeConfiguration", "EventBridgeEnabled") == "true"
}

// checkSplitterRoutes: every rule that invokes the splitter matches
// exactly one of the two ways a job starts: JobRequested from source baton
// on the stack's custom bus, or aws.s3 "Object Created" on the default bus
// filtered to the input bucket. Nothing else reaches it.
func checkSplitterRoutes(t tree) []error {
	var p problems
	for _, r := range routes(t, &p) {
		if r.fn != splitter {
			continue
		}
		custom := typeOf(t, r.bus) == "AWS::Events::EventBus"
		names := list(get(props(t, r.rule), "EventPattern", "detail", "bucket", "name"))
		switch {
		case custom && reflect.DeepEqual(r.sources, []string{events.Source}) && reflect.DeepEqual(r.types, []string{events.TypeJobRequested}):
		case r.bus == "" && reflect.DeepEqual(r.sources, []string{s3Source}) && reflect.DeepEqual(r.types, []string{s3ObjectCreated}) &&
			len(names) == 1 && eventBridgeEnabled(t, refTo(names[0], "")):
		default:
			p.add(r.rule, "invokes the splitter for sources %v, detail-types %v on bus %q; want only [%s] [%s] on the custom bus or [%s] [%s] for the input bucket on the default bus",
				r.sources, r.types, r.bus, events.Source, events.TypeJobRequested, s3Source, s3ObjectCreated)
		}
	}
	return p
}

// checkBusPolicy: the custom bus has no resource policy granting anyone
// outside this account: EventBridge then takes PutEvents only from this
// account's principals allowed by IAM. An EventBusPolicy (or a bus's Policy
// property) may only name this account.
func checkBusPolicy(t tree) []error {
	var p problems
	account := []any{tree{"Ref": "AWS::AccountId"}, tree{"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}}
	thisAccount := func(v any) bool {
		return slices.ContainsFunc(account, func(a any) bool { return reflect.DeepEqual(a, v) })
	}
	var docs []any
	for _, id := range ofType(t, "AWS::Events::EventBusPolicy") {
		pr := props(t, id)
		if pr := get(pr, "Principal"); pr != nil && !thisAccount(pr) {
			p.add(id, "lets principal %v put events on the bus; only this account may", pr)
		}
		docs = append(docs, get(pr, "Statement"))
	}
	for _, id := range ofType(t, "AWS::Events::EventBus") {
		docs = append(docs, get(props(t, id), "Policy", "Statement"))
	}
	for _, doc := range docs {
		for _, s := range list(doc) {
			if str(s, "Effect") != "Allow" {
				continue
			}
			for _, pr := range append(list(get(s, "Principal", "AWS")), list(get(s, "Principal", "Service"))...) {
				if !thisAccount(pr) {
					p.add("bus policy", "allows principal %v; only this account may put events on the bus", pr)
				}
			}
			if s, ok := get(s, "Principal").(string); ok {
				p.add("bus policy", "allows principal %q; only this account may put events on the bus", s)
			}
		}
	}
	return p
}
