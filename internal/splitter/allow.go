package splitter

import (
	"errors"
	"fmt"
	"strings"

	"github.com/batonrun/baton/events"
)

// ErrNotAllowed reports a request (JobRequested or S3 upload) for an
// object outside Options.AllowedSources. The splitter refuses it before it
// reads the object or writes anything to the ledger, and returns the error,
// so on AWS the event ends in the splitter's dead-letter queue.
var ErrNotAllowed = errors.New("object is not in an allowed source")

// source is one parsed AllowedSources entry: a bucket and a key prefix
// ("" = every key).
type source struct{ bucket, prefix string }

// parseSources parses AllowedSources entries, "bucket" or
// "bucket/prefix". Errors name every bad entry by its index.
func parseSources(entries []string) ([]source, error) {
	var out []source
	var errs []error
	for i, e := range entries {
		bucket, prefix, _ := strings.Cut(e, "/")
		switch {
		case bucket == "":
			errs = append(errs, fmt.Errorf("AllowedSources[%d] %q: no bucket name", i, e))
		case strings.ContainsAny(e, "*? \t\n,"):
			errs = append(errs, fmt.Errorf("AllowedSources[%d] %q: wildcards, spaces and commas are not allowed (prefixes are literal)", i, e))
		default:
			out = append(out, source{bucket: bucket, prefix: prefix})
		}
	}
	return out, errors.Join(errs...)
}

// Validate reports every problem with o, joined: today, AllowedSources
// entries without a bucket name or with wildcards, spaces or commas.
func (o Options) Validate() error {
	_, err := parseSources(o.AllowedSources)
	return err
}

// allowed checks obj against the allow-list; nil when the list is empty.
// Errors wrap ErrNotAllowed and name the object (bucket and key, which are
// the request's, not record contents).
func (s *Splitter) allowed(obj events.ObjectRef) error {
	if len(s.opts.AllowedSources) == 0 {
		return nil
	}
	for _, src := range s.sources {
		if obj.Bucket == src.bucket && strings.HasPrefix(obj.Key, src.prefix) {
			return nil
		}
	}
	return fmt.Errorf("s3://%s/%s: %w (allowed: %s)", obj.Bucket, obj.Key, ErrNotAllowed, strings.Join(s.opts.AllowedSources, ", "))
}
