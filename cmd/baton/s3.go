package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/batonrun/baton/internal/objstore/s3store"
)

const s3Scheme = "s3://"

// splitS3URL reads "s3://BUCKET/KEY". The key is everything after the
// first slash, taken literally: it is not URL-decoded, so "a%20b" names the
// key with a percent sign. isS3 is false for anything else (a local path).
func splitS3URL(path string) (bucket, key string, isS3 bool, err error) {
	rest, isS3 := strings.CutPrefix(path, s3Scheme)
	if !isS3 {
		return "", "", false, nil
	}
	bucket, key, _ = strings.Cut(rest, "/")
	if bucket == "" || key == "" {
		return "", "", true, fmt.Errorf("%q: want s3://BUCKET/KEY with a bucket and a key", path)
	}
	if strings.HasSuffix(key, "/") {
		return "", "", true, fmt.Errorf("%q names a folder, not an object: want s3://BUCKET/KEY of one object", path)
	}
	return bucket, key, true, nil
}

// openS3 builds an S3 store from the standard AWS configuration chain
// (environment, shared profile, AWS_ENDPOINT_URL_S3, instance role) and
// checks that the object exists, so a wrong bucket, key or permission is
// reported before any work starts.
func openS3(ctx context.Context, pathStyle bool, bucket, key string) (*s3store.Store, error) {
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	client := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		o.UsePathStyle = pathStyle
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired // ranged reads
	})
	store, err := s3store.New(client, s3store.Options{})
	if err != nil {
		return nil, err
	}
	if _, err := store.Head(ctx, bucket, key, ""); err != nil {
		return nil, err // names s3://bucket/key and the cause

	}
	return store, nil
}
