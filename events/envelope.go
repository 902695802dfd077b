package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// MaxEntryBytes is EventBridge's limit on one PutEvents entry, counted in
// UTF-8 bytes (256 KB; PutEvents quotas in the EventBridge user guide).
const MaxEntryBytes = 256 * 1024

// MaxEntriesPerPut is the most entries one PutEvents call may carry.
const MaxEntriesPerPut = 10

// Envelope is an EventBridge event as a target receives it (the shape of
// aws-lambda-go's events.EventBridgeEvent, with Detail kept raw).
type Envelope struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       time.Time       `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// ErrUnknownSchemaVersion reports a detail whose schemaVersion this build
// does not read.
var ErrUnknownSchemaVersion = errors.New("unknown schema version")

// ErrMalformed reports a detail that is not valid for its detail-type.
var ErrMalformed = errors.New("malformed event")

// Detail is implemented by every event body.
type Detail interface {
	// Type returns the detail-type the body travels under.
	Type() string
	// Validate reports every missing or out-of-range field, joined.
	Validate() error
}

// Decode strictly decodes env's detail into d: the detail-type must match
// d.Type(), unknown fields are rejected, schemaVersion must equal
// SchemaVersion and d.Validate must pass. Errors wrap ErrMalformed or
// ErrUnknownSchemaVersion and name the detail-type and field.
func Decode(env Envelope, d Detail) error {
	if env.DetailType != d.Type() {
		return fmt.Errorf("%w: detail-type %q, want %q", ErrMalformed, env.DetailType, d.Type())
	}
	return DecodeDetail(env.Detail, d)
}

// DecodeDetail is Decode for a detail without its envelope.
func DecodeDetail(raw []byte, d Detail) error {
	var v struct {
		SchemaVersion *int `json:"schemaVersion"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrMalformed, d.Type(), err)
	}
	if v.SchemaVersion == nil {
		return fmt.Errorf("%w: %s: missing schemaVersion", ErrMalformed, d.Type())
	}
	if *v.SchemaVersion != SchemaVersion {
		return fmt.Errorf("%w: %s: schemaVersion %d, this build reads %d", ErrUnknownSchemaVersion, d.Type(), *v.SchemaVersion, SchemaVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(d); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrMalformed, d.Type(), err)
	}
	if err := d.Validate(); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrMalformed, d.Type(), err)
	}
	return nil
}

// Encode marshals d into a new envelope with the given id and time. It does
// not check the size; publishers enforce MaxEntryBytes.
func Encode(id string, at time.Time, d Detail) (Envelope, error) {
	raw, err := json.Marshal(d)
	if err != nil {
		return Envelope{}, fmt.Errorf("encoding %s: %w", d.Type(), err)
	}
	return Envelope{Version: "0", ID: id, DetailType: d.Type(), Source: Source, Time: at.UTC(), Resources: []string{}, Detail: raw}, nil
}

// EntryBytes is the size EventBridge charges against MaxEntryBytes for an
// entry: the UTF-8 bytes of Detail, DetailType, Source and Resources (the
// "Calculating PutEvents event entry size" rule of the EventBridge guide;
// Time adds 14 bytes when set).
func EntryBytes(env Envelope) int {
	n := len(env.Detail) + len(env.DetailType) + len(env.Source)
	for _, r := range env.Resources {
		n += len(r)
	}
	if !env.Time.IsZero() {
		n += 14
	}
	return n
}
