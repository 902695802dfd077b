package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	awsevents "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/google/go-cmp/cmp"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/awstest"
	"github.com/batonrun/baton/internal/ids"
	"github.com/batonrun/baton/internal/ledger/dynamo"
	"github.com/batonrun/baton/internal/local"
	"github.com/batonrun/baton/internal/objstore/s3store"
)

// Sizes that make a 3.4 MB sample take several ranges and, with a 3 s
// worker timeout, several hops per range: each 2 KiB batch is one ranged
// GET to moto (tens of milliseconds), so a 1 MiB range needs several
// seconds even when idle. Shorter timeouts leave too little room on a loaded 2-core
// machine running the whole suite, where one invocation's tail (commit and
// publish against the emulators) can take most of a second.
const (
	e2eRangeSizeBytes = 1 << 20
	e2eBatchSizeBytes = 2 << 10
	e2eWorkerTimeout  = 3 // seconds; the emulator takes whole seconds
	jobTimeout        = 120 * time.Second
)

const (
	requestQuery = "SELECT origin, count(*), sum(delay), min(distance), max(distance), avg(delay) FROM s3object GROUP BY origin ORDER BY origin"
	uploadQuery  = "SELECT destination, count(*), max(delay), sum(distance) FROM s3object WHERE delay > 0 GROUP BY destination ORDER BY 2 DESC, 1 LIMIT 20"
	requestKey   = "flights/sample.csv"
	// uploadKey has a space, a '+' and non-ASCII characters, which the S3
	// event URL-encodes and the splitter must decode.
	uploadKey = "uploads/on time+late é ✈.csv"
)

// The three real function binaries, under the Lambda emulator, behind the
// template's rules on moto, with S3 on moto and the ledger on DynamoDB
// Local, run two jobs — one from a JobRequested on the custom bus, one
// from an upload's Object Created on the default bus — to the same result
// as `baton run` on the same data, recursing at the worker's deadline.
func TestEmulatedAWS(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*jobTimeout)
	defer cancel()
	data, err := os.ReadFile(filepath.Join(moduleRoot(t), "testdata", "flights-sample.csv"))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(ctx, t)
	d := e.start(ctx, t)

	put := func(key string) (etag string) {
		out, err := e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(e.input), Key: aws.String(key), Body: bytesReader(data)})
		if err != nil {
			t.Fatalf("uploading %s: %v", key, err)
		}
		return aws.ToString(out.ETag)
	}
	put(requestKey)
	req, err := json.Marshal(events.JobRequested{SchemaVersion: events.SchemaVersion,
		Object: events.ObjectRef{Bucket: e.input, Key: requestKey}, Query: requestQuery,
		Format: events.Format{Kind: "csv", Header: true},
		Limits: events.Limits{RangeSizeBytes: e2eRangeSizeBytes, BatchSizeBytes: e2eBatchSizeBytes},
		Trace:  &events.Trace{TraceParent: callerTraceParent}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := putEvent(ctx, e.eb, e.bus, events.Source, events.TypeJobRequested, req); err != nil {
		t.Fatal(err)
	}
	etag := put(uploadKey)
	created, err := s3ObjectCreated(e.input, uploadKey, int64(len(data)), etag, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := putEvent(ctx, e.eb, "default", events.SourceS3, events.TypeS3ObjectCreated, created, "arn:aws:s3:::"+e.input); err != nil {
		t.Fatal(err)
	}

	// The reference: `baton run` on the same bytes, in-process.
	refs := map[string]events.JobSucceeded{}
	var refErr error
	var wg sync.WaitGroup
	wg.Go(func() { refs, refErr = localReferences(ctx, t.TempDir(), data) })

	jobs := e.waitJobs(ctx, t, d, []string{requestKey, uploadKey})
	t.Logf("jobs ended")
	if os.Getenv("E2E_TRACE") != "" {
		e.mu.Lock()
		t.Logf("invocations:\n%s", joinLines(e.invocations))
		e.mu.Unlock()
	}
	wg.Wait()
	if refErr != nil {
		t.Fatal(refErr)
	}
	for _, key := range []string{requestKey, uploadKey} {
		t.Run(key, func(t *testing.T) {
			got := jobs[key]
			want := refs[key]
			if diff := cmp.Diff(want.Result, got.Result); diff != "" {
				t.Errorf("result differs from baton run (-local +aws):\n%s", diff)
			}
			if got.Stats.Records != want.Stats.Records || got.Stats.Bytes != want.Stats.Bytes || got.Stats.Ranges != want.Stats.Ranges {
				t.Errorf("stats %+v, local %+v (same limits)", got.Stats, want.Stats)
			}
			h := e.history(ctx, t, got.JobID, int64(len(data)))
			if h.hops == 0 {
				t.Errorf("no checkpoint with generation > 0: the workers never recursed")
			}
			if h.hops != got.Stats.Hops || h.checkpoints != got.Stats.Invocations {
				t.Errorf("ledger has %d hops in %d checkpoints; the result's stats say %d and %d", h.hops, h.checkpoints, got.Stats.Hops, got.Stats.Invocations)
			}
			t.Logf("job %s: %d ranges, %d checkpoints, %d hops", got.JobID, h.ranges, h.checkpoints, h.hops)
			wantTrace := "" // an upload starts a new trace
			if key == requestKey {
				wantTrace = callerTraceID
			}
			e.mu.Lock()
			failed := maps.Clone(e.failedAttempts)
			e.mu.Unlock()
			checkTrace(t, readSpans(t, e.traceDir), got.JobID, wantTrace, h.ranges, failed)
		})
	}
	e.mu.Lock()
	attempts, failed := len(e.invocations), 0
	for _, line := range e.invocations {
		if strings.Contains(line, " ERROR ") {
			failed++
		}
	}
	e.mu.Unlock()
	t.Logf("%d invocations, %d of them failed (timeouts and errors retried like Lambda async invokes)", attempts, failed)
	if failures, counts := d.report(); len(failures) > 0 {
		// A failed attempt that a retry absorbed is allowed (the result is
		// exact); an event that failed every retry is not: in AWS it would
		// land in the function's dead-letter queue. Seen with a 1 s timeout
		// under load: a worker whose runtime was restarted after a timeout
		// starts again from the initial reserve, overruns while committing
		// and publishing its continuation, and so times out on every retry.
		t.Errorf("dispatcher failures:\n%s\ninvocations %v", joinLines(failures), counts)
	}
}

// localReferences runs both queries with `baton run`'s code on a copy of
// data, with the same limits, and returns the results by key.
func localReferences(ctx context.Context, dir string, data []byte) (map[string]events.JobSucceeded, error) {
	path := filepath.Join(dir, "sample.csv")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return nil, err
	}
	out := map[string]events.JobSucceeded{}
	for key, query := range map[string]string{requestKey: requestQuery, uploadKey: uploadQuery} {
		o, err := local.Run(ctx, local.Config{Path: path, StateDir: filepath.Join(dir, "state"), Query: query,
			Format: events.Format{Kind: "csv", Header: true},
			Limits: events.Limits{RangeSizeBytes: e2eRangeSizeBytes, BatchSizeBytes: e2eBatchSizeBytes}})
		if err != nil {
			return nil, fmt.Errorf("baton run %q: %w", query, err)
		}
		if o.Failed != nil {
			return nil, fmt.Errorf("baton run %q failed: %s: %s", query, o.Failed.Code, o.Failed.Reason)
		}
		out[key] = *o.Succeeded
	}
	return out, nil
}

// env is one emulated deployment: clients, resource names and the stack.
type env struct {
	s3                                 *s3.Client
	eb                                 *awsevents.Client
	sqs                                *sqs.Client
	ddb                                *dynamodb.Client
	ledger                             *dynamo.Ledger
	stack                              *stack
	motoURL, dynamoURL                 string
	input, payload, table, bus, prefix string
	pools                              []*pool
	rt                                 routing

	traceDir string // span files of the function processes

	mu             sync.Mutex
	invocations    []string
	failedAttempts map[string]bool // attemptKey of worker attempts that failed or timed out
}

// attemptKey names a worker attempt of (job, range, generation).
func attemptKey(jobID string, rangeIndex, gen int) string {
	return fmt.Sprintf("%s/%d/%d", jobID, rangeIndex, gen)
}

func newEnv(ctx context.Context, t *testing.T) *env {
	t.Helper()
	e := &env{motoURL: awstest.Moto(t), dynamoURL: awstest.DynamoDB(t), failedAttempts: map[string]bool{}}
	moto := awstest.Config(e.motoURL)
	e.s3 = s3.NewFromConfig(moto, func(o *s3.Options) { o.UsePathStyle = true })
	e.eb, e.sqs = awsevents.NewFromConfig(moto), sqs.NewFromConfig(moto)
	e.ddb = dynamodb.NewFromConfig(awstest.Config(e.dynamoURL))
	suffix := ids.New()[:10]
	e.input, e.payload = "baton-e2e-in-"+suffix, "baton-e2e-pay-"+suffix
	e.table, e.bus, e.prefix = "baton-e2e-"+suffix, "baton-e2e-"+suffix, "e2e-"+suffix
	for _, b := range []string{e.input, e.payload} {
		// No NotificationConfiguration on the input bucket: see s3event_test.go.
		if _, err := e.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatalf("bucket %s: %v", b, err)
		}
	}
	if err := dynamo.CreateTable(ctx, e.ddb, e.table); err != nil {
		t.Fatal(err)
	}
	blobs, err := s3store.New(e.s3, s3store.Options{PayloadBucket: e.payload})
	if err != nil {
		t.Fatal(err)
	}
	if e.ledger, err = dynamo.New(e.ddb, e.table, dynamo.Options{Blobs: blobs}); err != nil {
		t.Fatal(err)
	}
	if e.stack, err = loadStack(filepath.Join(moduleRoot(t), "deploy", "template.yaml")); err != nil {
		t.Fatal(err)
	}
	e.rt = deployRouting(ctx, t, e.stack, e.eb, e.sqs, e.bus, e.prefix, map[string]string{"InputBucket": e.input})
	return e
}

// poolSizes are the containers per function; the worker pool is the one
// that matters for concurrency.
var poolSizes = map[string]int{"splitter": 1, "worker": 3, "aggregator": 1}

// start builds the function binaries, starts their emulators with the
// environment the template gives each function (Refs resolved to this
// deployment) plus the emulator endpoints, and starts the dispatcher.
func (e *env) start(ctx context.Context, t *testing.T) *dispatcher {
	t.Helper()
	dir := t.TempDir()
	rie := awstest.RIE(t)
	bins := map[string]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for fn := range poolSizes {
		wg.Go(func() {
			b := buildBootstrap(t, dir, "./functions/"+fn, fn)
			mu.Lock()
			bins[fn] = b
			mu.Unlock()
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	refs := map[string]string{
		"LedgerTable": e.table, "EventBus": e.bus, "PayloadBucket": e.payload, "InputBucket": e.input,
		"UploadQuery":    uploadQuery,
		"RangeSizeBytes": strconv.Itoa(e2eRangeSizeBytes), "BatchSizeBytes": strconv.Itoa(e2eBatchSizeBytes),
		"HasOtelCollector": "false",
	}
	e.traceDir = filepath.Join(dir, "traces")
	emulated := []string{
		"BATON_S3_PATH_STYLE=true",
		"BATON_TRACE_EXPORTER=file", "BATON_TRACE_DIR=" + e.traceDir,
		"AWS_REGION=" + awstest.Region, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_ENDPOINT_URL_S3=" + e.motoURL, "AWS_ENDPOINT_URL_EVENTBRIDGE=" + e.motoURL,
		"AWS_ENDPOINT_URL_DYNAMODB=" + e.dynamoURL,
	}
	targets := map[string]target{}
	for fn, size := range poolSizes {
		vars, err := e.stack.environment(fn, refs)
		if err != nil {
			t.Fatal(err)
		}
		retries, err := e.stack.maxRetries(fn)
		if err != nil {
			t.Fatal(err)
		}
		timeout := 30
		if fn == "worker" {
			timeout = e2eWorkerTimeout
		}
		queue, ok := e.rt.Queues[fn]
		if !ok {
			t.Fatalf("no rule of the template targets %s", fn)
		}
		p := startPool(t, poolSpec{Name: fn, RIE: rie, Bootstrap: bins[fn], Size: size, Timeout: timeout,
			Env: append(vars, emulated...), LogDir: dir})
		e.pools = append(e.pools, p)
		targets[fn] = target{Queue: queue, Pool: p, Retries: retries}
	}
	d, stop := startDispatcher(e.sqs, targets, e.observe)
	t.Cleanup(stop)
	return d
}

// observe records each invocation's event and outcome.
func (e *env) observe(fn string, event, reply []byte, err error) {
	var ev struct {
		DetailType string `json:"detail-type"`
		Detail     struct {
			JobID      string              `json:"jobId"`
			Range      struct{ Index int } `json:"range"`
			Generation int                 `json:"generation"`
		} `json:"detail"`
	}
	_ = json.Unmarshal(event, &ev)
	line := fmt.Sprintf("%s %s %s r%d g%d", time.Now().Format("15:04:05.000"), fn, ev.DetailType, ev.Detail.Range.Index, ev.Detail.Generation)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err != nil {
		line += " ERROR " + err.Error()
		if fn == "worker" {
			e.failedAttempts[attemptKey(ev.Detail.JobID, ev.Detail.Range.Index, ev.Detail.Generation)] = true
		}
	}
	e.invocations = append(e.invocations, line)
}

// report is what a timed-out or failed test prints: dispatcher failures,
// invocation counts, the rules and the emulators' logs.
func (e *env) report(d *dispatcher) string {
	failures, counts := d.report()
	out := fmt.Sprintf("dispatcher failures:\n%s\ninvocations: %v\nrules:\n%s\n", joinLines(failures), counts, joinLines(e.rt.Rules))
	for _, p := range e.pools {
		out += p.logs(3000)
	}
	return out
}
