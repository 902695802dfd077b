package events

// ObjectRef pins one version of one object. The splitter fills it from a Head
// call; every later read asks for exactly this version (DESIGN.md invariant 3).
//
// Locally Bucket is empty and Key is an absolute file path; ETag is then a
// content fingerprint ("blake3:<hex>") rather than S3's MD5-based ETag.
type ObjectRef struct {
	Bucket    string `json:"bucket"`
	Key       string `json:"key"`
	ETag      string `json:"etag"`
	VersionID string `json:"versionId,omitempty"`
	SizeBytes int64  `json:"sizeBytes"`
}
