package dynamo

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/batonrun/baton/internal/ledger"
)

// meta is a job's meta item as read before an append.
type meta struct {
	exists              bool
	lastSeq             int64
	firstTime, lastTime string
}

func (l *Ledger) readMeta(ctx context.Context, jobID string) (meta, error) {
	out, err := l.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(l.table), Key: primaryKey(jobID, MetaItem), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return meta{}, l.edgeError(fmt.Sprintf("job %s: reading counter", jobID), err)
	}
	if out.Item == nil {
		return meta{}, nil
	}
	m := meta{exists: true}
	if m.lastSeq, err = getN(out.Item, attrLastSeq); err == nil {
		if m.firstTime, err = getS(out.Item, attrFirstTime); err == nil {
			m.lastTime, err = getS(out.Item, attrLastTime)
		}
	}
	if err != nil {
		return meta{}, fmt.Errorf("dynamo ledger: job %s: meta item: %w", jobID, err)
	}
	return m, nil
}

// transaction builds the append: the meta update conditioned on the counter
// read, then one conditional Put per entry, in argument order.
func (l *Ledger) transaction(jobID string, m meta, es []ledger.Entry, ds []storedDetail) *dynamodb.TransactWriteItemsInput {
	expiresAt := l.opts.Now().Add(l.opts.TTL).Unix()
	first, last := m.firstTime, m.lastTime
	for _, e := range es {
		t := formatTime(e.Time)
		if first == "" || t < first {
			first = t
		}
		if t > last {
			last = t
		}
	}
	items := make([]types.TransactWriteItem, 0, len(es)+1)
	items = append(items, types.TransactWriteItem{Update: l.metaUpdate(jobID, m, int64(len(es)), first, last, expiresAt)})
	for i, e := range es {
		items = append(items, types.TransactWriteItem{Put: &types.Put{
			TableName:                aws.String(l.table),
			Item:                     entryItem(jobID, e, m.lastSeq+int64(i)+1, ds[i], expiresAt),
			ConditionExpression:      aws.String("attribute_not_exists(#i)"),
			ExpressionAttributeNames: map[string]string{"#i": AttrItem},
		}})
	}
	return &dynamodb.TransactWriteItemsInput{
		TransactItems:      items,
		ClientRequestToken: aws.String(requestToken(l.table, jobID, m.lastSeq, expiresAt, es, ds)),
	}
}

func (l *Ledger) metaUpdate(jobID string, m meta, n int64, first, last string, expiresAt int64) *types.Update {
	u := &types.Update{
		TableName:        aws.String(l.table),
		Key:              primaryKey(jobID, MetaItem),
		UpdateExpression: aws.String("SET #ls = :next, #ft = :first, #lt = :last, #ex = :exp"),
		ExpressionAttributeNames: map[string]string{
			"#ls": attrLastSeq, "#ft": attrFirstTime, "#lt": attrLastTime, "#ex": AttrExpiresAt,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":next": attrN(m.lastSeq + n), ":first": attrS(first), ":last": attrS(last), ":exp": attrN(expiresAt),
		},
		ConditionExpression: aws.String("attribute_not_exists(#ls)"),
	}
	if m.exists {
		u.ConditionExpression = aws.String("#ls = :read")
		u.ExpressionAttributeValues[":read"] = attrN(m.lastSeq)
	}
	return u
}

// requestToken derives the transaction's ClientRequestToken from everything
// the request writes (tokens are scoped to the account, so the table is part
// of it), in argument order, each field length-prefixed: the
// same append against the same counter value gives the same token (so an
// SDK retry is idempotent), any difference gives another. 36 hex characters
// (144 bits of SHA-256), DynamoDB's maximum token length.
func requestToken(table, jobID string, base, expiresAt int64, es []ledger.Entry, ds []storedDetail) string {
	h := sha256.New()
	field(h, []byte("baton-ledger-append-v1"))
	field(h, []byte(table))
	field(h, []byte(jobID))
	num(h, base)
	num(h, expiresAt)
	num(h, int64(len(es)))
	for i, e := range es {
		field(h, []byte(e.Key))
		field(h, []byte(e.DetailType))
		field(h, []byte(formatTime(e.Time)))
		if b := ds[i].blob; b != nil {
			field(h, []byte("blob:"+b.key+":"+b.sha256))
			num(h, b.size)
		} else {
			field(h, []byte("inline"))
			field(h, ds[i].inline)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:36]
}

func field(h hash.Hash, b []byte) {
	num(h, int64(len(b)))
	h.Write(b)
}

func num(h hash.Hash, n int64) {
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(n))
	h.Write(buf[:])
}
