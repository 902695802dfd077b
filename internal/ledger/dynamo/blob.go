package dynamo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"sort"

	"github.com/batonrun/baton/internal/ledger"
)

// maxTxEntryBytes is the budget for the entry items of one transaction,
// under DynamoDB's 4 MB limit for a whole TransactWriteItems request, with
// room for the meta item and request overhead.
const maxTxEntryBytes = 4*1024*1024 - 64*1024

// itemOverheadBytes bounds what an entry item holds besides its detail:
// attribute names, seq, time, expiresAt and a claim-check pointer.
const itemOverheadBytes = 300

// planDetails decides which details are inlined and which claim-checked:
// those over MaxInlineDetailBytes, then the largest ones until the entries
// fit one transaction. It fails, naming the entry, when a detail needs the
// object store and no Blobs is configured, or an item would still exceed
// DynamoDB's 400 KB limit.
func (l *Ledger) planDetails(jobID string, es []ledger.Entry) ([]storedDetail, error) {
	big := make([]bool, len(es))
	total := 0
	for i, e := range es {
		big[i] = len(e.Detail) > l.opts.MaxInlineDetailBytes
		total += entryBytes(jobID, e, big[i])
	}
	bySize := make([]int, len(es))
	for i := range bySize {
		bySize[i] = i
	}
	sort.SliceStable(bySize, func(a, b int) bool { return len(es[bySize[a]].Detail) > len(es[bySize[b]].Detail) })
	for _, i := range bySize {
		if total <= maxTxEntryBytes {
			break
		}
		if !big[i] {
			total += entryBytes(jobID, es[i], true) - entryBytes(jobID, es[i], false)
			big[i] = true
		}
	}
	if total > maxTxEntryBytes {
		return nil, fmt.Errorf("dynamo ledger: job %s: %d entries take %d bytes even with claim checks, over a transaction's %d", jobID, len(es), total, maxTxEntryBytes)
	}
	out := make([]storedDetail, len(es))
	for i, e := range es {
		if n := entryBytes(jobID, e, big[i]); n > maxItemBytes {
			return nil, fmt.Errorf("dynamo ledger: job %s key %s: item of %d bytes exceeds DynamoDB's %d", jobID, e.Key, n, maxItemBytes)
		}
		if !big[i] {
			out[i] = storedDetail{inline: e.Detail}
			continue
		}
		if l.opts.Blobs == nil {
			return nil, fmt.Errorf("dynamo ledger: job %s key %s: detail of %d bytes is too large to keep in DynamoDB (inline limit %d) and no Blobs store is configured", jobID, e.Key, len(e.Detail), l.opts.MaxInlineDetailBytes)
		}
		sum := sha256.Sum256(e.Detail)
		h := hex.EncodeToString(sum[:])
		out[i] = storedDetail{blob: &blobRef{key: blobName(jobID, h), size: int64(len(e.Detail)), sha256: h}}
	}
	return out, nil
}

func entryBytes(jobID string, e ledger.Entry, claimChecked bool) int {
	n := len(AttrJob) + len(jobID) + len(AttrItem) + len(e.Key) + len(e.DetailType) + itemOverheadBytes
	if claimChecked {
		return n + len(blobName(jobID, "")) + 64
	}
	return n + len(e.Detail)
}

// maxJobKeyBytes bounds the job's part of a blob key, so that the whole
// key stays far below S3's 1,024-byte limit however the id escapes.
const maxJobKeyBytes = 256

// blobName is the object key of a claim-checked detail: content addressed,
// so a retried append puts the same object again. The job part is the
// URL-escaped job id, or "sha256-<hex of the id>" when that escape is over
// maxJobKeyBytes (escaping can triple an id's length).
func blobName(jobID, sha256Hex string) string {
	job := url.PathEscape(jobID)
	if len(job) > maxJobKeyBytes {
		sum := sha256.Sum256([]byte(jobID))
		job = "sha256-" + hex.EncodeToString(sum[:])
	}
	return "ledger/" + job + "/" + sha256Hex
}

// putBlobs stores the claim-checked details before the transaction that
// points at them.
func (l *Ledger) putBlobs(ctx context.Context, jobID string, es []ledger.Entry, ds []storedDetail) error {
	for i, d := range ds {
		if d.blob == nil {
			continue
		}
		if err := l.opts.Blobs.PutBlob(ctx, d.blob.key, es[i].Detail); err != nil {
			return fmt.Errorf("dynamo ledger: job %s key %s: storing %d-byte detail as %s: %w", jobID, es[i].Key, len(es[i].Detail), d.blob.key, err)
		}
	}
	return nil
}

// fetchBlob reads a claim-checked detail back and checks it against the
// pointer's size and SHA-256.
func (l *Ledger) fetchBlob(ctx context.Context, jobID, key string, ref *blobRef) ([]byte, error) {
	if l.opts.Blobs == nil {
		return nil, fmt.Errorf("dynamo ledger: job %s key %s: detail is claim-checked at %s but no Blobs store is configured", jobID, key, ref.key)
	}
	data, err := l.opts.Blobs.GetBlob(ctx, ref.key)
	if err != nil {
		return nil, fmt.Errorf("dynamo ledger: job %s key %s: fetching detail %s: %w", jobID, key, ref.key, err)
	}
	sum := sha256.Sum256(data)
	if int64(len(data)) != ref.size || !bytes.Equal([]byte(hex.EncodeToString(sum[:])), []byte(ref.sha256)) {
		return nil, fmt.Errorf("dynamo ledger: job %s key %s: detail %s is %d bytes with sha256 %x, want %d bytes with sha256 %s",
			jobID, key, ref.key, len(data), sum, ref.size, ref.sha256)
	}
	return data, nil
}
