package splitter

import (
	"errors"
	"fmt"
	"strings"

	"github.com/batonrun/baton/events"
)

// request turns the triggering event into a JobRequested with the
// configured default limits. formatErr reports an upload whose format
// cannot be read (the job is then recorded as failed); err a malformed
// event or a refused upload.
func (s *Splitter) request(env events.Envelope) (req events.JobRequested, formatErr, err error) {
	if env.Source == events.SourceS3 {
		req, formatErr, err = s.uploadRequest(env)
	} else {
		err = events.Decode(env, &req)
	}
	def := s.opts.Defaults
	def.RangeSizeBytes = 0 // a preferred size, applied by plan
	req.Limits = fillLimits(req.Limits, def)
	return req, formatErr, err
}

// uploadRequest builds the request for an S3 "Object Created" event: the
// uploaded version, the URL-decoded key, UploadQuery and the key's format.
func (s *Splitter) uploadRequest(env events.Envelope) (events.JobRequested, error, error) {
	d, err := events.DecodeS3ObjectCreated(env)
	if err != nil {
		return events.JobRequested{}, nil, err
	}
	key, _ := d.DecodedKey() // checked by DecodeS3ObjectCreated
	if strings.HasSuffix(key, "/") {
		return events.JobRequested{}, nil, fmt.Errorf("s3://%s/%s: %w", d.Bucket.Name, key, errFolderMarker)
	}
	if s.opts.UploadQuery == "" {
		return events.JobRequested{}, nil, fmt.Errorf("s3://%s/%s: %w", d.Bucket.Name, key, ErrNoUploadQuery)
	}
	req := events.JobRequested{
		SchemaVersion: events.SchemaVersion,
		Object:        events.ObjectRef{Bucket: d.Bucket.Name, Key: key, VersionID: d.Object.VersionID, ETag: d.Object.ETag},
		Query:         s.opts.UploadQuery,
	}
	format, formatErr := events.FormatFromKey(key)
	req.Format = format
	return req, formatErr, nil
}

// fillLimits takes each zero field of l from def.
func fillLimits(l, def events.Limits) events.Limits {
	fill := func(v *int64, d int64) {
		if *v == 0 {
			*v = d
		}
	}
	fillInt := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	fill(&l.RangeSizeBytes, def.RangeSizeBytes)
	fill(&l.BatchSizeBytes, def.BatchSizeBytes)
	fill(&l.MaxRecordBytes, def.MaxRecordBytes)
	fillInt(&l.MaxRanges, def.MaxRanges)
	fillInt(&l.MaxHops, def.MaxHops)
	fillInt(&l.MaxGroups, def.MaxGroups)
	fillInt(&l.MaxRows, def.MaxRows)
	return l
}

// errFolderMarker reports an upload of a key ending in "/": a console's
// folder marker, which starts no job.
var errFolderMarker = errors.New("folder marker")

// sameRequest checks that req asks for what spec, the job already started
// under req's id, does: the same object (and version, when req names one),
// query and format. Errors wrap ErrJobIDReused and name what differs.
func sameRequest(spec events.JobSpec, req events.JobRequested) error {
	var diffs []string
	if req.Object.Bucket != spec.Object.Bucket || req.Object.Key != spec.Object.Key {
		diffs = append(diffs, fmt.Sprintf("object %s/%s, not %s/%s", spec.Object.Bucket, spec.Object.Key, req.Object.Bucket, req.Object.Key))
	}
	if req.Object.VersionID != "" && req.Object.VersionID != spec.Object.VersionID {
		diffs = append(diffs, fmt.Sprintf("version %q, not %q", spec.Object.VersionID, req.Object.VersionID))
	}
	if req.Query != spec.Query {
		diffs = append(diffs, fmt.Sprintf("query %q, not %q", spec.Query, req.Query))
	}
	if req.Format != spec.Format {
		diffs = append(diffs, fmt.Sprintf("format %+v, not %+v", spec.Format, req.Format))
	}
	if len(diffs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: it runs %s", ErrJobIDReused, strings.Join(diffs, "; "))
}
