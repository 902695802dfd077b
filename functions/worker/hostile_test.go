package main

import (
	"testing"

	"github.com/batonrun/baton/internal/wiring/wiringtest"
)

// Malformed, mistyped, unknown and oversized events are refused with a
// clear, permanent error and never crash the handler.
func TestHostileEvents(t *testing.T) {
	wiringtest.CheckHostileEvents(t, wiringtest.Hostile{Golden: "RangeAssigned", Required: "jobId", Mistyped: "jobId"}, build)
}
