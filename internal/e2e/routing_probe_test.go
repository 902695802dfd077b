package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	awsevents "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/batonrun/baton/internal/awstest"
	"github.com/batonrun/baton/internal/ids"
)

// The template's rules, created in moto, route each detail-type (and the
// input bucket's S3 events on the default bus) to the function the
// template names, through SQS and the dispatcher to the function's
// emulators; unrouted events reach no function, and a failing event is
// tried 1 + retries times, then reported.
func TestTemplateRoutingWithProbe(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := loadStack(filepath.Join(moduleRoot(t), "deploy", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := awstest.Config(awstest.Moto(t))
	eb, q := awsevents.NewFromConfig(cfg), sqs.NewFromConfig(cfg)
	suffix := ids.New()[:10]
	bucket := "baton-probe-" + suffix
	rt := deployRouting(ctx, t, s, eb, q, "baton-probe-"+suffix, "probe-"+suffix, map[string]string{"InputBucket": bucket})

	dir := t.TempDir()
	bootstrap := buildBootstrap(t, dir, "./internal/e2e/testdata/probe", "probe")
	rie := awstest.RIE(t)
	var mu sync.Mutex
	var got []string // function: marker, one per invocation
	targets := map[string]target{}
	for fn, queue := range rt.Queues {
		retries, err := s.maxRetries(fn)
		if err != nil {
			t.Fatal(err)
		}
		p := startPool(t, poolSpec{Name: fn, RIE: rie, Bootstrap: bootstrap, Size: 1, Timeout: 5,
			Env: []string{"PROBE_TAG=" + fn}, LogDir: dir})
		targets[fn] = target{Queue: queue, Pool: p, Retries: retries}
	}
	d, stop := startDispatcher(q, targets, func(fn string, event, reply []byte, err error) {
		var r probeReply
		var ev struct {
			Detail struct {
				Marker string `json:"marker"`
			} `json:"detail"`
		}
		_ = json.Unmarshal(event, &ev)
		tag := "error"
		if err == nil {
			if jerr := json.Unmarshal(reply, &r); jerr != nil {
				tag = "bad reply " + string(reply)
			} else {
				tag = r.Tag
			}
		}
		mu.Lock()
		got = append(got, fmt.Sprintf("%s/%s: %s", fn, tag, ev.Detail.Marker))
		mu.Unlock()
	})
	defer stop()

	put := func(bus, source, detailType string, detail []byte) {
		t.Helper()
		if _, err := putEvent(ctx, eb, bus, source, detailType, detail); err != nil {
			t.Fatal(err)
		}
	}
	marker := func(m string) []byte { return []byte(fmt.Sprintf(`{"marker":%q}`, m)) }
	put(rt.Bus, "baton", "JobRequested", marker("job"))
	put(rt.Bus, "baton", "RangeAssigned", marker("assigned"))
	put(rt.Bus, "baton", "RangeContinued", marker("continued"))
	put(rt.Bus, "baton", "FanInRequested", marker("fanin"))
	put(rt.Bus, "baton", "JobSucceeded", marker("unrouted type"))
	put(rt.Bus, "someone-else", "JobRequested", marker("unrouted source"))
	put("default", "baton", "JobRequested", marker("wrong bus"))
	put(rt.Bus, "baton", "RangeAssigned", []byte(`{"marker":"failing","fail":true}`))
	for _, b := range []string{bucket, "another-bucket-" + suffix} {
		detail, err := s3ObjectCreated(b, "a b+c/é.csv", 3, `"etag"`, "")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		_ = json.Unmarshal(detail, &m)
		m["marker"] = "upload to " + b
		detail, _ = json.Marshal(m)
		put("default", "aws.s3", "Object Created", detail)
	}

	want := []string{
		"aggregator/aggregator: fanin",
		"splitter/splitter: job",
		"splitter/splitter: upload to " + bucket,
		"worker/error: failing", "worker/error: failing", "worker/error: failing",
		"worker/worker: assigned",
		"worker/worker: continued",
	}
	snapshot := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := slices.Clone(got)
		slices.Sort(out)
		return out
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && len(snapshot()) < len(want); {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // room for a misrouted event to arrive
	stop()
	if g := snapshot(); !slices.Equal(g, want) {
		t.Errorf("invocations\n%s\nwant\n%s\nrules:\n%s", joinLines(g), joinLines(want), joinLines(rt.Rules))
	}
	failures, _ := d.report()
	if len(failures) != 1 || !errors.Is(errFunctionIn(failures[0]), errFunction) {
		t.Errorf("failures %q, want the one failing event", failures)
	}
}

// errFunctionIn maps a failure report back to errFunction when it names
// a function error.
func errFunctionIn(report string) error {
	if containsAll(report, "RangeAssigned", "failed after 2 retries", errFunction.Error(), "probe asked to fail") {
		return errFunction
	}
	return errors.New(report)
}
