package dynamo

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/batonrun/baton/internal/ledger"
)

// Get returns the entry under key (a strongly consistent read), fetching a
// claim-checked detail from Blobs and checking its size and SHA-256. A
// missing entry gives an error wrapping ledger.ErrNotFound.
func (l *Ledger) Get(ctx context.Context, jobID, key string) (ledger.Entry, error) {
	if jobID == "" || key == "" {
		return ledger.Entry{}, fmt.Errorf("job %q key %q: %w", jobID, key, ledger.ErrNotFound)
	}
	out, err := l.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(l.table), Key: primaryKey(jobID, key), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return ledger.Entry{}, l.edgeError(fmt.Sprintf("job %s key %s", jobID, key), err)
	}
	if out.Item == nil || out.Item[attrSeq] == nil {
		return ledger.Entry{}, fmt.Errorf("job %s key %s: %w", jobID, key, ledger.ErrNotFound)
	}
	return l.resolve(ctx, jobID, out.Item)
}

// List returns the job's entries whose key starts with keyPrefix ("" = all),
// in Seq order, reading every page of a strongly consistent Query. An
// unknown job gives an empty list, not an error.
func (l *Ledger) List(ctx context.Context, jobID, keyPrefix string) ([]ledger.Entry, error) {
	var out []ledger.Entry
	err := l.query(ctx, jobID, keyPrefix, types.SelectAllAttributes, func(p *dynamodb.QueryOutput) error {
		for _, it := range p.Items {
			e, err := l.resolve(ctx, jobID, it)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Seq < out[b].Seq })
	return out, nil
}

// Count returns how many of the job's entries have a key starting with
// keyPrefix ("" = all), summing a COUNT Query over every page.
func (l *Ledger) Count(ctx context.Context, jobID, keyPrefix string) (int, error) {
	n := 0
	err := l.query(ctx, jobID, keyPrefix, types.SelectCount, func(p *dynamodb.QueryOutput) error {
		n += int(p.Count)
		return nil
	})
	return n, err
}

// query pages through the job's entry items (the meta item filtered out)
// whose sort key begins with prefix.
func (l *Ledger) query(ctx context.Context, jobID, prefix string, sel types.Select, page func(*dynamodb.QueryOutput) error) error {
	if jobID == "" {
		return nil
	}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(l.table),
		ConsistentRead:            aws.Bool(true),
		Select:                    sel,
		KeyConditionExpression:    aws.String("#j = :j"),
		FilterExpression:          aws.String("attribute_exists(#s)"),
		ExpressionAttributeNames:  map[string]string{"#j": AttrJob, "#s": attrSeq},
		ExpressionAttributeValues: map[string]types.AttributeValue{":j": attrS(jobID)},
	}
	if prefix != "" {
		in.KeyConditionExpression = aws.String("#j = :j AND begins_with(#i, :p)")
		in.ExpressionAttributeNames["#i"] = AttrItem
		in.ExpressionAttributeValues[":p"] = attrS(prefix)
	}
	pages := dynamodb.NewQueryPaginator(l.client, in)
	for pages.HasMorePages() {
		p, err := pages.NextPage(ctx)
		if err != nil {
			return l.edgeError(fmt.Sprintf("job %s: querying %q", jobID, prefix), err)
		}
		if err := page(p); err != nil {
			return err
		}
	}
	return nil
}

// resolve decodes an entry item and fetches its claim-checked detail.
func (l *Ledger) resolve(ctx context.Context, jobID string, it map[string]types.AttributeValue) (ledger.Entry, error) {
	e, ref, err := decodeEntry(jobID, it)
	if err != nil {
		return ledger.Entry{}, fmt.Errorf("dynamo ledger: job %s: %w", jobID, err)
	}
	if ref != nil {
		if e.Detail, err = l.fetchBlob(ctx, jobID, e.Key, ref); err != nil {
			return ledger.Entry{}, err
		}
	}
	return e, nil
}

// Jobs summarises every job from its meta item, newest first: ordered by
// FirstTime descending, ties by JobID ascending. It scans the whole table
// (every page, strongly consistent), so its cost grows with the table.
func (l *Ledger) Jobs(ctx context.Context) ([]ledger.JobSummary, error) {
	in := &dynamodb.ScanInput{
		TableName:                aws.String(l.table),
		ConsistentRead:           aws.Bool(true),
		FilterExpression:         aws.String("attribute_exists(#ls)"),
		ProjectionExpression:     aws.String("#j, #ls, #ft, #lt"),
		ExpressionAttributeNames: map[string]string{"#j": AttrJob, "#ls": attrLastSeq, "#ft": attrFirstTime, "#lt": attrLastTime},
	}
	out := []ledger.JobSummary{}
	pages := dynamodb.NewScanPaginator(l.client, in)
	for pages.HasMorePages() {
		p, err := pages.NextPage(ctx)
		if err != nil {
			return nil, l.edgeError("listing jobs", err)
		}
		for _, it := range p.Items {
			s, err := decodeSummary(it)
			if err != nil {
				return nil, fmt.Errorf("dynamo ledger: listing jobs: %w", err)
			}
			out = append(out, s)
		}
	}
	ledger.SortJobs(out)
	return out, nil
}

func decodeSummary(it map[string]types.AttributeValue) (ledger.JobSummary, error) {
	var s ledger.JobSummary
	var err error
	if s.JobID, err = getS(it, AttrJob); err != nil {
		return s, err
	}
	n, err := getN(it, attrLastSeq)
	if err == nil {
		if s.FirstTime, err = getTime(it, attrFirstTime); err == nil {
			s.LastTime, err = getTime(it, attrLastTime)
		}
	}
	if err != nil {
		return s, fmt.Errorf("job %s meta item: %w", s.JobID, err)
	}
	s.Entries = int(n)
	return s, nil
}
