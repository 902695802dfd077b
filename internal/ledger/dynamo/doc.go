// Package dynamo is the ledger on Amazon DynamoDB (AWS SDK for Go v2): one
// table holding the logs of all jobs, written with TransactWriteItems so that
// an Append lands entirely or not at all.
//
// # Table
//
// The table has a composite primary key, both strings:
//
//	job   (S, partition key)  the job ID
//	item  (S, sort key)       an entry's key, or MetaItem for the job's meta item
//
// Its Time to Live must be enabled on the number attribute "expiresAt"
// (epoch seconds); CreateTable does so. The adapter needs no index.
//
// # Items
//
// An entry item (item = Entry.Key):
//
//	seq         N  Entry.Seq (1, 2, ... within the job)
//	detailType  S  Entry.DetailType
//	time        S  Entry.Time, UTC, fixed width "2006-01-02T15:04:05.000000000Z"
//	detail      B  Entry.Detail's exact bytes; absent when empty or claim-checked
//	detailBlob  M  claim check instead of detail: {key S, size N, sha256 S (hex)}
//	expiresAt   N  epoch seconds: time of write + Options.TTL
//
// The meta item (item = MetaItem, one per job):
//
//	lastSeq     N  the job's last Seq, which is also its number of entries
//	firstTime   S  smallest Entry.Time in the log (same format as time)
//	lastTime    S  largest Entry.Time in the log
//	expiresAt   N  epoch seconds: time of the job's last append + Options.TTL
//
// MetaItem is therefore reserved: an Append of an entry with that key is
// refused. Entry items are told from the meta item by the presence of seq.
//
// # Appends
//
// Append reads the meta item (strongly consistent), then writes one
// transaction: an Update of the meta item conditioned on lastSeq still
// holding the value read (optimistic concurrency), and a Put per entry
// conditioned on attribute_not_exists(item). A lost race on the counter is
// retried up to Options.MaxAttempts times; an existing entry gives
// *ledger.ConflictError. The transaction's ClientRequestToken is a hash of
// its content, so an SDK retry after a lost response is answered by
// DynamoDB's idempotency instead of a false conflict.
//
// # Claim checks
//
// A detail larger than Options.MaxInlineDetailBytes, or one that would take
// the transaction past its 4 MB limit, is put in the object store through
// Options.Blobs under "ledger/<url-escaped job>/<sha256 hex>" (a job id whose
// escape is over 256 bytes appears as "sha256-<hex of the id>") and the item
// keeps a pointer; reads fetch it back and check its size and SHA-256.
// Blobs of failed appends are left behind: give the bucket a lifecycle rule.
package dynamo

// MetaItem is the sort key of a job's meta item. No entry may use it as key.
const MetaItem = "#meta"

// Attribute names of the table (see the package documentation).
const (
	AttrJob        = "job"
	AttrItem       = "item"
	AttrExpiresAt  = "expiresAt"
	attrSeq        = "seq"
	attrDetailType = "detailType"
	attrTime       = "time"
	attrDetail     = "detail"
	attrBlob       = "detailBlob"
	attrLastSeq    = "lastSeq"
	attrFirstTime  = "firstTime"
	attrLastTime   = "lastTime"
	blobKey        = "key"
	blobSize       = "size"
	blobSHA256     = "sha256"
)

// timeLayout is fixed width, so text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z"
