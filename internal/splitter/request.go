package splitter

import (
	"fmt"

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
	if s.opts.UploadQuery == "" {
		return events.JobRequested{}, nil, fmt.Errorf("s3://%s/%s: %w", d.Bucket.Name, key, ErrNoUploadQuery)
	}
	req := events.JobRequested{
		SchemaVersion: events.SchemaVersion,
		Object:        events.ObjectRef{Bucket: d.Bucket.Name, Key: key, VersionID: d.Object.VersionID},
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
