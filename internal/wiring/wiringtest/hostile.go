package wiringtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/batonrun/baton/events"
	"github.com/batonrun/baton/internal/wiring"
)

// secret is planted in hostile details: it must never reach a log line or
// an error message (a detail can carry a query or object key the user
// considers private, and record contents never belong in logs).
const secret = "S3CR3T-R0W-C0NT3NT"

// Hostile describes the golden event a function handles and two of its
// fields: Required is dropped, Mistyped gets a number.
type Hostile struct {
	Golden             string // events/testdata name, e.g. "RangeAssigned"
	Required, Mistyped string // detail fields
}

// hostileCase breaks a golden envelope (decoded JSON) one way.
type hostileCase struct {
	name string
	want string // the error must contain this (what was wrong)
	// ours: the rejection passes through wiring.Handler (so it is a
	// RejectedError and logged); false when aws-lambda-go's own JSON
	// decoding of the envelope refuses it first.
	ours   bool
	break_ func(env map[string]any)
}

func hostileCases(h Hostile) []hostileCase {
	d := func(env map[string]any) map[string]any { return env["detail"].(map[string]any) }
	return []hostileCase{
		{"missing detail", "no detail", true, func(e map[string]any) { delete(e, "detail") }},
		{"null detail", "missing schemaVersion", true, func(e map[string]any) { e["detail"] = nil }},
		{"detail is a string", "cannot unmarshal string", true, func(e map[string]any) { e["detail"] = secret }},
		{"missing schemaVersion", "missing schemaVersion", true, func(e map[string]any) { delete(d(e), "schemaVersion") }},
		{"mistyped schemaVersion", "schemaVersion", true, func(e map[string]any) { d(e)["schemaVersion"] = "1" }},
		{"unknown schemaVersion", "schemaVersion 99", true, func(e map[string]any) { d(e)["schemaVersion"] = 99 }},
		{"unknown detail-type", `"Bogus"`, true, func(e map[string]any) { e["detail-type"] = "Bogus" }},
		{"empty detail-type", `""`, true, func(e map[string]any) { e["detail-type"] = "" }},
		{"mistyped detail-type", "detail-type", false, func(e map[string]any) { e["detail-type"] = 7 }},
		{"missing " + h.Required, h.Required, true, func(e map[string]any) { delete(d(e), h.Required) }},
		{"mistyped " + h.Mistyped, h.Mistyped, true, func(e map[string]any) { d(e)[h.Mistyped] = []any{12345} }},
		{"unknown field", `unknown field "` + secret + `"`, true, func(e map[string]any) { d(e)[secret] = 1 }},
		{"oversized detail", "over EventBridge's", true, func(e map[string]any) {
			d(e)["padding"] = strings.Repeat(secret, events.MaxEntryBytes/len(secret)+1)
		}},
		{"mistyped time", "time", false, func(e map[string]any) { e["time"] = "yesterday" }},
	}
}

// CheckHostileEvents invokes the handler build makes, through
// lambda.Handler.Invoke with the JSON Lambda would deliver, with h's golden
// event broken one way at a time. Each must be refused with an error naming
// what was wrong, without a panic, without publishing an event or writing
// to the ledger; those that reach wiring.Handler are *wiring.RejectedError
// (permanent: Lambda's bounded retries then send them to the DLQ), logged
// at ERROR as "event rejected". The planted secret appears in no log line
// and, but for the unknown field's name, in no error.
func CheckHostileEvents(t *testing.T, h Hostile, build func(wiring.Deps) (lambda.Handler, error)) {
	t.Helper()
	for _, tc := range hostileCases(h) {
		t.Run(tc.name, func(t *testing.T) {
			e := New(wiring.Config{})
			var logs bytes.Buffer
			e.Deps.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
			handler, err := build(e.Deps)
			if err != nil {
				t.Fatal(err)
			}
			var env map[string]any
			if err := json.Unmarshal(Golden(t, h.Golden, nil), &env); err != nil {
				t.Fatal(err)
			}
			tc.break_(env)
			payload, err := json.Marshal(env)
			if err != nil {
				t.Fatal(err)
			}
			_, err = handler.Invoke(context.Background(), payload)
			checkRefused(t, tc, e, err, logs.String())
		})
	}
}

func checkRefused(t *testing.T, tc hostileCase, e *Env, err error, logs string) {
	t.Helper()
	if err == nil {
		t.Fatal("accepted")
	}
	if !strings.Contains(err.Error(), tc.want) {
		t.Errorf("error %q does not say %q", err, tc.want)
	}
	var rej *wiring.RejectedError
	if tc.ours && (!errors.As(err, &rej) || !wiring.Permanent(err)) {
		t.Errorf("error %v is not a permanent *wiring.RejectedError", err)
	}
	if tc.ours && (!strings.Contains(logs, `"msg":"event rejected"`) || !strings.Contains(logs, `"level":"ERROR"`)) {
		t.Errorf("no ERROR log of the rejection: %s", logs)
	}
	if strings.Contains(logs, secret) && !strings.Contains(tc.want, secret) {
		t.Errorf("the detail's contents reached the log: %.300s", logs)
	}
	if tc.name == "oversized detail" && strings.Count(err.Error(), secret) > 0 {
		t.Errorf("the detail's contents reached the error: %.300s", err)
	}
	if jobs, _ := e.Ledger.Jobs(context.Background()); len(jobs) != 0 {
		t.Errorf("%d jobs written", len(jobs))
	}
	if n := len(e.Bus.All()); n != 0 {
		t.Errorf("%d events published", n)
	}
}
