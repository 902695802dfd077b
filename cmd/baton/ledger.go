package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/batonrun/baton/internal/ledger"
	"github.com/batonrun/baton/internal/ledger/dynamo"
	"github.com/batonrun/baton/internal/ledger/sqlite"
	"github.com/batonrun/baton/internal/local"
	"github.com/batonrun/baton/internal/objstore/s3store"
)

// readLedger is what status, events and jobs read.
type readLedger interface {
	List(ctx context.Context, jobID, keyPrefix string) ([]ledger.Entry, error)
	Jobs(ctx context.Context) ([]ledger.JobSummary, error)
	Close() error
}

// openLedger opens the deployed stack's DynamoDB table when --table is
// set (AWS configuration from the standard chain; claim-checked details
// are fetched from --payload-bucket), else the local ledger file. where
// names it for messages.
func openLedger(ctx context.Context, g *globals) (l readLedger, where string, err error) {
	if g.table == "" {
		path := local.LedgerPath(g.stateDir)
		l, err := sqlite.Open(path, sqlite.Options{})
		if err != nil {
			return nil, "", fmt.Errorf("opening ledger in %s: %w", g.stateDir, err)
		}
		return l, path, nil
	}
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("loading the AWS configuration: %w", err)
	}
	var o dynamo.Options
	if g.payloadBucket != "" {
		client := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
			o.UsePathStyle = g.s3PathStyle
			o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		})
		blobs, err := s3store.New(client, s3store.Options{DisableReadAhead: true, PayloadBucket: g.payloadBucket})
		if err != nil {
			return nil, "", err
		}
		o.Blobs = blobs
	}
	dl, err := dynamo.New(dynamodb.NewFromConfig(awsCfg), g.table, o)
	if err != nil {
		return nil, "", err
	}
	return dl, "DynamoDB table " + g.table, nil
}
