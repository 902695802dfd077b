// Package ids makes unguessable identifiers: 128 random bits from
// crypto/rand, in lowercase base32 without padding (26 characters).
package ids

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"strings"
)

var enc = base32.StdEncoding.WithPadding(base32.NoPadding)

// New returns a fresh random id. It is safe for concurrent use.
func New() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+).
	return strings.ToLower(enc.EncodeToString(b[:]))
}

// Derive returns the id that name always maps to: the first 128 bits of
// SHA-256(name). A job requested twice with the same event id gets the same
// job id, so a redelivered JobRequested does not start a second job.
func Derive(name string) string {
	sum := sha256.Sum256([]byte(name))
	return strings.ToLower(enc.EncodeToString(sum[:16]))
}
