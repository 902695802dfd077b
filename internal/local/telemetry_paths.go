package local

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
)

// TracePath is the span file `baton run` writes for jobID inside stateDir
// ("" means DefaultStateDir()): <stateDir>/traces/<name>.jsonl, one span per
// line in the observability "file" exporter's format.
func TracePath(stateDir, jobID string) string {
	return filepath.Join(orDefault(stateDir), "traces", fileName(jobID)+".jsonl")
}

// LogPath is the structured log file (Lambda JSON log lines) `baton run`
// writes for jobID: <stateDir>/logs/<name>.jsonl.
func LogPath(stateDir, jobID string) string {
	return filepath.Join(orDefault(stateDir), "logs", fileName(jobID)+".jsonl")
}

func orDefault(stateDir string) string {
	if stateDir == "" {
		return DefaultStateDir()
	}
	return stateDir
}

// maxNameBytes keeps file names well under common 255-byte limits.
const maxNameBytes = 128

// fileName is jobID when it is a plain name (letters, digits, '-', '_',
// '.', not starting with '.', at most 128 bytes), else a readable prefix
// plus a SHA-256 hex digest, so any job id (up to 512 bytes, any
// characters) maps to one safe file name.
func fileName(jobID string) string {
	safe := jobID != "" && len(jobID) <= maxNameBytes && !strings.HasPrefix(jobID, ".")
	var b strings.Builder
	for _, r := range jobID {
		ok := r < 128 && (r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
		safe = safe && ok
		if ok && b.Len() < 32 {
			b.WriteRune(r)
		}
	}
	if safe {
		return jobID
	}
	sum := sha256.Sum256([]byte(jobID))
	return strings.TrimLeft(b.String(), ".") + "-" + hex.EncodeToString(sum[:12])
}
