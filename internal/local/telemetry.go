package local

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/batonrun/baton/observability"
)

// flushTimeout bounds the ForceFlush after each invocation.
const flushTimeout = 5 * time.Second

// telemetry is one run's tracing and logging: spans to the job's span file
// (TracePath), Lambda-format JSON log lines to its log file (LogPath),
// metrics discarded (no-op meter provider).
type telemetry struct {
	prov    *observability.Providers
	logger  *slog.Logger
	logFile *os.File
}

// newTelemetry opens the job's span and log files under stateDir.
func newTelemetry(ctx context.Context, stateDir, jobID string) (*telemetry, error) {
	prov, err := observability.New(ctx, observability.Options{ServiceName: "baton-local",
		Exporter: observability.ExporterFile, FilePath: TracePath(stateDir, jobID)})
	if err != nil {
		return nil, fmt.Errorf("opening span file: %w", err)
	}
	path := LogPath(stateDir, jobID)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, errors.Join(fmt.Errorf("creating log directory: %w", err), prov.Close(ctx))
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("opening log file: %w", err), prov.Close(ctx))
	}
	return &telemetry{prov: prov, logger: observability.NewLogger(f, slog.LevelInfo), logFile: f}, nil
}

// flushing wraps a function's handler so every invocation ends with a
// ForceFlush, as the Lambda handlers do before they return: a span is in
// the file by the time the runtime sees the invocation end.
func (t *telemetry) flushing(h lambda.Handler) lambda.Handler { return flushHandler{h, t} }

type flushHandler struct {
	h lambda.Handler
	t *telemetry
}

// Invoke runs the handler, then flushes on a context that outlives an
// expired invocation deadline. A flush error is logged, not returned: a
// span file problem must not fail or retry the job's work.
func (f flushHandler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	out, err := f.h.Invoke(ctx, payload)
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
	defer cancel()
	if ferr := f.t.prov.ForceFlush(fctx); ferr != nil {
		f.t.logger.ErrorContext(ctx, "flushing telemetry", "error", ferr.Error())
	}
	return out, err
}

// close makes a final ForceFlush, then releases the span and log files.
// Call it only once no invocation can run (the runtime is closed and idle):
// this process ends, unlike a Lambda container, so nothing is lost.
func (t *telemetry) close(ctx context.Context) error {
	ctx = context.WithoutCancel(ctx)
	err := t.prov.ForceFlush(ctx)
	err = errors.Join(err, t.prov.Close(ctx), t.logFile.Close())
	if err != nil {
		return fmt.Errorf("closing telemetry: %w", err)
	}
	return nil
}
