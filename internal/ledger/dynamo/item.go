package dynamo

import (
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/batonrun/baton/internal/ledger"
)

// storedDetail is how one entry's detail is kept: inline bytes or a claim
// check (blob non-nil).
type storedDetail struct {
	inline []byte
	blob   *blobRef
}

// blobRef points at a claim-checked detail.
type blobRef struct {
	key    string
	size   int64
	sha256 string // hex
}

func attrS(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

func attrN(v int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
}

func primaryKey(jobID, item string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{AttrJob: attrS(jobID), AttrItem: attrS(item)}
}

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// entryItem is the item of entry e at seq.
func entryItem(jobID string, e ledger.Entry, seq int64, d storedDetail, expiresAt int64) map[string]types.AttributeValue {
	it := primaryKey(jobID, e.Key)
	it[attrSeq] = attrN(seq)
	it[attrDetailType] = attrS(e.DetailType)
	it[attrTime] = attrS(formatTime(e.Time))
	it[AttrExpiresAt] = attrN(expiresAt)
	switch {
	case d.blob != nil:
		it[attrBlob] = &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			blobKey: attrS(d.blob.key), blobSize: attrN(d.blob.size), blobSHA256: attrS(d.blob.sha256),
		}}
	case len(d.inline) > 0:
		it[attrDetail] = &types.AttributeValueMemberB{Value: d.inline}
	}
	return it
}

// itemBytes estimates an item's size the way DynamoDB counts it (UTF-8
// names and values), rounding numbers up to their decimal length.
func itemBytes(it map[string]types.AttributeValue) int {
	n := 0
	for name, v := range it {
		n += len(name) + valueBytes(v)
	}
	return n
}

func valueBytes(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return len(v.Value) + 1
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberM:
		return 3 + itemBytes(v.Value) + len(v.Value)
	}
	return 1
}

// decodeEntry reads an entry item; blob is non-nil when the detail is
// claim-checked and still to be fetched.
func decodeEntry(jobID string, it map[string]types.AttributeValue) (ledger.Entry, *blobRef, error) {
	e := ledger.Entry{JobID: jobID}
	var err error
	if e.Key, err = getS(it, AttrItem); err != nil {
		return e, nil, err
	}
	fail := func(err error) (ledger.Entry, *blobRef, error) {
		return e, nil, fmt.Errorf("item %s: %w", e.Key, err)
	}
	if e.Seq, err = getN(it, attrSeq); err != nil {
		return fail(err)
	}
	if e.DetailType, err = getS(it, attrDetailType); err != nil {
		return fail(err)
	}
	if e.Time, err = getTime(it, attrTime); err != nil {
		return fail(err)
	}
	if b, ok := it[attrDetail].(*types.AttributeValueMemberB); ok {
		e.Detail = b.Value
	}
	m, ok := it[attrBlob].(*types.AttributeValueMemberM)
	if !ok {
		return e, nil, nil
	}
	ref := &blobRef{}
	if ref.key, err = getS(m.Value, blobKey); err == nil {
		if ref.size, err = getN(m.Value, blobSize); err == nil {
			ref.sha256, err = getS(m.Value, blobSHA256)
		}
	}
	if err != nil {
		return fail(fmt.Errorf("%s: %w", attrBlob, err))
	}
	return e, ref, nil
}

func getS(it map[string]types.AttributeValue, name string) (string, error) {
	v, ok := it[name].(*types.AttributeValueMemberS)
	if !ok {
		return "", fmt.Errorf("attribute %s is missing or not a string", name)
	}
	return v.Value, nil
}

func getN(it map[string]types.AttributeValue, name string) (int64, error) {
	v, ok := it[name].(*types.AttributeValueMemberN)
	if !ok {
		return 0, fmt.Errorf("attribute %s is missing or not a number", name)
	}
	n, err := strconv.ParseInt(v.Value, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("attribute %s: %w", name, err)
	}
	return n, nil
}

func getTime(it map[string]types.AttributeValue, name string) (time.Time, error) {
	s, err := getS(it, name)
	if err != nil {
		return time.Time{}, err
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("attribute %s: %w", name, err)
	}
	return t.UTC(), nil
}
