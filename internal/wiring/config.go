package wiring

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonrun/baton/internal/splitter"
)

// Config is a function's configuration, read from its environment by
// ConfigFromEnv. The SAM template (deploy/template.yaml) sets these
// variables; EnvVars lists them per function.
type Config struct {
	// Backend is "aws" (BATON_BACKEND unset or "aws") or "local".
	Backend string
	// StateDir is the local backend's state directory (BATON_STATE_DIR).
	StateDir string
	// Table is the DynamoDB ledger table (BATON_TABLE).
	Table string
	// EventBus is the custom EventBridge bus name (BATON_EVENT_BUS).
	EventBus string
	// PayloadBucket holds claim checks: events and ledger details too large
	// to travel inline (BATON_PAYLOAD_BUCKET).
	PayloadBucket string
	// S3PathStyle addresses buckets by path, as S3 emulators need
	// (BATON_S3_PATH_STYLE=true).
	S3PathStyle bool
	// LedgerTTL is how long ledger items live before DynamoDB's TTL may
	// delete them (BATON_LEDGER_TTL_DAYS, whole days; default 30).
	LedgerTTL time.Duration
	// UploadQuery is the SQL for jobs started by an S3 upload
	// (BATON_UPLOAD_QUERY; splitter only; empty refuses uploads).
	UploadQuery string
	// RangeSizeBytes and BatchSizeBytes are the stack's default limits for
	// requests that leave them zero (BATON_RANGE_SIZE_BYTES,
	// BATON_BATCH_SIZE_BYTES; splitter only; 0 = Baton's defaults).
	RangeSizeBytes, BatchSizeBytes int64
	// AllowedSources are the buckets ("bucket") and bucket prefixes
	// ("bucket/prefix/") jobs may read (BATON_ALLOWED_SOURCES,
	// comma-separated; splitter only; see splitter.Options.AllowedSources).
	// Empty allows every object the function's role can read; the SAM
	// template always sets it, to the input bucket by default.
	AllowedSources []string
	// WorkerTimeout is the range worker's Lambda timeout
	// (BATON_WORKER_TIMEOUT_SECONDS, whole seconds; sweeper only; default
	// 900 s, Lambda's maximum).
	WorkerTimeout time.Duration
	// StalledAfter is how long a range may go without progress before the
	// sweeper re-publishes its next event (BATON_STALLED_AFTER_SECONDS,
	// whole seconds; sweeper only). Unset, it is StalledAfterTimeouts
	// worker timeouts; it may not be less than one worker timeout (a
	// running invocation would be redriven).
	StalledAfter time.Duration
	// TraceExporter is where spans go (BATON_TRACE_EXPORTER): "none" (the
	// default), "otlp" (OTLP/HTTP to OTLPEndpoint, e.g. the ADOT collector
	// layer) or "file" (a span file per process in TraceDir).
	TraceExporter string
	// TraceDir holds the span files of the "file" exporter
	// (BATON_TRACE_DIR; tests and emulators).
	TraceDir string
	// OTLPEndpoint is the OTLP/HTTP base URL (the standard
	// OTEL_EXPORTER_OTLP_ENDPOINT; default http://localhost:4318, where the
	// ADOT collector layer listens).
	OTLPEndpoint string
}

// envVar is one variable: who reads it, whether the aws backend needs it,
// and how it sets Config.
type envVar struct {
	name      string
	functions []string // nil = every function
	required  bool     // for the aws backend
	set       func(c *Config, v string) error
}

// Function names, as passed to Main and EnvVars.
const (
	Splitter   = "splitter"
	Worker     = "worker"
	Aggregator = "aggregator"
	Sweeper    = "sweeper"
)

// StalledAfterTimeouts is the sweeper's default threshold in worker
// timeouts: a range that is merely slow, or whose continuation Lambda is
// still retrying, is not redriven.
const StalledAfterTimeouts = 3

// defaultWorkerTimeout is Lambda's longest timeout, the template's default.
const defaultWorkerTimeout = 900 * time.Second

func envVars() []envVar {
	str := func(p func(*Config) *string) func(*Config, string) error {
		return func(c *Config, v string) error { *p(c) = v; return nil }
	}
	splitterOnly := []string{Splitter}
	return []envVar{
		{name: "BATON_BACKEND", set: str(func(c *Config) *string { return &c.Backend })},
		{name: "BATON_STATE_DIR", set: str(func(c *Config) *string { return &c.StateDir })},
		{name: "BATON_TABLE", required: true, set: str(func(c *Config) *string { return &c.Table })},
		{name: "BATON_EVENT_BUS", required: true, set: str(func(c *Config) *string { return &c.EventBus })},
		{name: "BATON_PAYLOAD_BUCKET", required: true, set: str(func(c *Config) *string { return &c.PayloadBucket })},
		{name: "BATON_S3_PATH_STYLE", set: func(c *Config, v string) (err error) { c.S3PathStyle, err = strconv.ParseBool(v); return }},
		{name: "BATON_LEDGER_TTL_DAYS", set: func(c *Config, v string) error {
			days, err := positive(v)
			c.LedgerTTL = time.Duration(days) * 24 * time.Hour
			return err
		}},
		{name: "BATON_TRACE_EXPORTER", set: func(c *Config, v string) error {
			switch v {
			case "none", "otlp", "file":
				c.TraceExporter = v
				return nil
			}
			return errors.New("want none, otlp or file")
		}},
		{name: "BATON_TRACE_DIR", set: str(func(c *Config) *string { return &c.TraceDir })},
		{name: "OTEL_EXPORTER_OTLP_ENDPOINT", set: str(func(c *Config) *string { return &c.OTLPEndpoint })},
		{name: "BATON_UPLOAD_QUERY", functions: splitterOnly, set: str(func(c *Config) *string { return &c.UploadQuery })},
		{name: "BATON_RANGE_SIZE_BYTES", functions: splitterOnly, set: func(c *Config, v string) (err error) { c.RangeSizeBytes, err = positive(v); return }},
		{name: "BATON_BATCH_SIZE_BYTES", functions: splitterOnly, set: func(c *Config, v string) (err error) { c.BatchSizeBytes, err = positive(v); return }},
		{name: "BATON_ALLOWED_SOURCES", functions: splitterOnly, set: setAllowedSources},
		{name: "BATON_WORKER_TIMEOUT_SECONDS", functions: []string{Sweeper}, set: seconds(func(c *Config) *time.Duration { return &c.WorkerTimeout })},
		{name: "BATON_STALLED_AFTER_SECONDS", functions: []string{Sweeper}, set: seconds(func(c *Config) *time.Duration { return &c.StalledAfter })},
	}
}

// EnvVars lists the BATON_ environment variables function reads in the aws
// backend, required ones first. Standard variables (AWS_REGION,
// AWS_ENDPOINT_URL_<SERVICE>, credentials, OTEL_EXPORTER_OTLP_ENDPOINT) are
// not listed. BATON_STATE_DIR belongs to the local backend only.
func EnvVars(function string) (required, optional []string) {
	for _, v := range envVars() {
		if v.name == "BATON_STATE_DIR" || !strings.HasPrefix(v.name, "BATON_") || (v.functions != nil && !slices.Contains(v.functions, function)) {
			continue
		}
		if v.required {
			required = append(required, v.name)
		} else {
			optional = append(optional, v.name)
		}
	}
	return required, optional
}

// ConfigFromEnv reads function's configuration through getenv. Errors
// (joined, each naming its variable): an unparsable value, an unknown
// backend, or a variable the backend requires left empty.
func ConfigFromEnv(function string, getenv func(string) string) (Config, error) {
	c := Config{LedgerTTL: 30 * 24 * time.Hour, TraceExporter: "none"}
	var errs []error
	for _, v := range envVars() {
		if v.functions != nil && !slices.Contains(v.functions, function) {
			continue
		}
		val := getenv(v.name)
		if val == "" {
			continue
		}
		if err := v.set(&c, val); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", v.name, val, err))
		}
	}
	if function == Sweeper {
		if err := sweeperDefaults(&c); err != nil {
			errs = append(errs, err)
		}
	}
	if c.TraceExporter == "file" && c.TraceDir == "" {
		errs = append(errs, errors.New("BATON_TRACE_EXPORTER=file needs BATON_TRACE_DIR"))
	}
	switch c.Backend {
	case "", "aws":
		c.Backend = "aws"
		for _, v := range envVars() {
			if v.required && getenv(v.name) == "" {
				errs = append(errs, fmt.Errorf("%s is not set (the aws backend needs it)", v.name))
			}
		}
	case "local":
		if c.StateDir == "" {
			errs = append(errs, errors.New("BATON_BACKEND=local needs BATON_STATE_DIR"))
		}
	default:
		errs = append(errs, fmt.Errorf("BATON_BACKEND=%q: want aws or local", c.Backend))
	}
	return c, errors.Join(errs...)
}

// seconds sets a duration from a positive whole number of seconds.
func seconds(p func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := positive(v)
		*p(c) = time.Duration(n) * time.Second
		return err
	}
}

// sweeperDefaults fills the sweeper's timing and checks that it does not
// redrive ranges that may still be running.
func sweeperDefaults(c *Config) error {
	if c.WorkerTimeout == 0 {
		c.WorkerTimeout = defaultWorkerTimeout
	}
	if c.StalledAfter == 0 {
		c.StalledAfter = StalledAfterTimeouts * c.WorkerTimeout
	}
	if c.StalledAfter < c.WorkerTimeout {
		return fmt.Errorf("BATON_STALLED_AFTER_SECONDS=%d is less than the worker timeout (%d s): running ranges would be redriven",
			int64(c.StalledAfter/time.Second), int64(c.WorkerTimeout/time.Second))
	}
	return nil
}

// setAllowedSources splits a comma-separated allow-list, trimming spaces
// around entries, and checks it as the splitter would.
func setAllowedSources(c *Config, v string) error {
	c.AllowedSources = nil
	for _, e := range strings.Split(v, ",") {
		c.AllowedSources = append(c.AllowedSources, strings.TrimSpace(e))
	}
	return splitter.Options{AllowedSources: c.AllowedSources}.Validate()
}

// positive parses a whole number greater than zero.
func positive(v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, errors.New("not a whole number")
	}
	if n <= 0 {
		return 0, errors.New("must be greater than zero")
	}
	return n, nil
}
