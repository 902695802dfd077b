// Package local wires Baton's handlers to the embedded defaults — local
// files, the in-process bus, the SQLite ledger and the local Lambda-like
// runtime — and runs one job to its end. `baton run` is a thin layer over Run.
package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/chaos"
	"github.com/batonrun/baton/internal/localrt"
)

// Function names in the local runtime, as in the SAM stack.
const (
	FnSplitter   = "splitter"
	FnWorker     = "worker"
	FnAggregator = "aggregator"
)

// ObjectStore is the object store a local job reads: Head to pin the
// object, ranged reads of the pinned version (objstore's contract). Each
// warm worker container wraps it in its own range cache. Implementations
// must be safe for concurrent use.
type ObjectStore interface {
	Head(ctx context.Context, bucket, key, versionID string) (events.ObjectRef, error)
	ReadRange(ctx context.Context, obj events.ObjectRef, offsetBytes, lengthBytes int64) ([]byte, error)
}

// Config describes one local job. Zero fields mean the documented defaults.
type Config struct {
	// Path is the file to read; with Store set, it is the object's key in
	// Bucket, taken literally (not resolved, not URL-decoded).
	Path string
	// Store, when set, is where the object is read from (e.g. an s3store
	// Store); nil means local files (localfs, Bucket ""), with fingerprints
	// memoised under StateDir.
	Store ObjectStore
	// Bucket is the object's bucket in Store. It must be "" without Store.
	Bucket string
	// Query, Format and Limits go into the JobRequested event.
	Query  string
	Format events.Format
	Limits events.Limits
	// StateDir holds the ledger database; "" means DefaultStateDir().
	StateDir string
	// Runtime configures the local runtime (timeout, concurrency, recycling).
	// Its Timeout applies to range workers; the splitter and the aggregator
	// run with localrt.DefaultTimeout, as they would with their own settings
	// in the AWS stack.
	Runtime localrt.Options
	// DuplicateProbability delivers events twice with this chance (testing).
	DuplicateProbability float64
	// Seed seeds duplicate delivery.
	Seed uint64
	// CacheBytes bounds each warm container's cache; 0 means 64 MiB.
	CacheBytes int64
	// Progress, when set, is called about every 200ms and once at the end.
	Progress func(Progress)
	// JobID overrides the random job id (tests).
	JobID string
	// Chaos, when set, injects its faults into the ledger, bus, object
	// store and runtime (testing; `baton run --chaos SEED`). Its duplicate
	// and delay settings replace DuplicateProbability.
	Chaos *chaos.Plan
	// ChaosReplace replaces the object when Chaos.Replace is set; nil
	// disables replacement (a user's file is never rewritten by default).
	ChaosReplace chaos.Replacer
	// Sweep configures the stalled-range sweeper.
	Sweep SweepOptions
}

// Validate reports every problem with the config.
func (c Config) Validate() error {
	var errs []error
	if c.Path == "" {
		errs = append(errs, errors.New("path is required"))
	}
	if c.Query == "" {
		errs = append(errs, errors.New("query is required"))
	}
	if c.Store == nil && c.Bucket != "" {
		errs = append(errs, fmt.Errorf("bucket %q needs an object store (Config.Store); local files have no bucket", c.Bucket))
	}
	if c.CacheBytes < 0 {
		errs = append(errs, fmt.Errorf("cache size %d is negative", c.CacheBytes))
	}
	if c.Chaos != nil {
		errs = append(errs, c.Chaos.Validate())
	}
	errs = append(errs, c.Format.Validate(), c.Limits.Validate(), c.Runtime.Validate())
	return errors.Join(errs...)
}

// Progress is a snapshot of a running job.
type Progress struct {
	BytesDone, BytesTotal int64
	RangesDone, Ranges    int
}

// Outcome is how a job ended. Exactly one of Succeeded and Failed is set.
type Outcome struct {
	JobID     string
	Succeeded *events.JobSucceeded
	Failed    *events.JobFailed
	Wall      time.Duration
	Runtime   localrt.Stats
	// Published and Delivered count bus events and deliveries.
	Published, Delivered int64
	// Chaos counts the faults injected (Config.Chaos); Redrives the
	// sweeps that re-published the job's next events.
	Chaos    chaos.Stats
	Redrives int
	// TracePath is the job's span file (read by `baton trace`), LogPath its
	// JSON log file (one Lambda-format line per log record).
	TracePath, LogPath string
}

// DefaultStateDir is the user cache directory's "baton" folder.
func DefaultStateDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "baton")
}

func stateDirOf(cfg Config) string {
	if cfg.StateDir == "" {
		return DefaultStateDir()
	}
	if abs, err := filepath.Abs(cfg.StateDir); err == nil {
		return abs
	}
	return cfg.StateDir
}

// LedgerPath is the ledger database file inside a state directory.
func LedgerPath(stateDir string) string {
	if stateDir == "" {
		stateDir = DefaultStateDir()
	}
	return filepath.Join(stateDir, "ledger.db")
}

// FormatFromPath guesses the format from the file extension, by
// events.FormatFromKey's rules.
func FormatFromPath(path string) (events.Format, error) { return events.FormatFromKey(path) }
