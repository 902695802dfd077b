package s3store_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/batonrun/baton/internal/awstest"
	"github.com/batonrun/baton/internal/objstore/objstoretest"
	"github.com/batonrun/baton/internal/objstore/s3store"
)

func TestMain(m *testing.M) { awstest.Main(m) }

var bucketSeq atomic.Int64

// motoClient returns an S3 client aimed at this binary's moto server.
func motoClient(t *testing.T) *s3.Client {
	t.Helper()
	return s3.NewFromConfig(awstest.Config(awstest.Moto(t)), func(o *s3.Options) { o.UsePathStyle = true })
}

// newBucket creates a bucket of its own for the test, versioned if asked.
func newBucket(t *testing.T, c *s3.Client, versioned bool) string {
	t.Helper()
	name := fmt.Sprintf("s3store-%s-%d", strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name())), bucketSeq.Add(1))
	if len(name) > 63 {
		name = fmt.Sprintf("s3store-%d-%s", bucketSeq.Add(1), name[len(name)-40:])
	}
	name = strings.Trim(name, "-")
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	if versioned {
		_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
		if err != nil {
			t.Fatalf("enable versioning on %s: %v", name, err)
		}
	}
	return name
}

func putObject(t *testing.T, c *s3.Client, bucket, key string, data []byte) {
	t.Helper()
	_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data)))})
	if err != nil {
		t.Fatalf("put s3://%s/%s: %v", bucket, key, err)
	}
}

func newStore(t *testing.T, api s3store.API, o s3store.Options) *s3store.Store {
	t.Helper()
	s, err := s3store.New(api, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.DiscardReadAhead)
	return s
}

func TestConformanceMoto(t *testing.T) {
	c := motoClient(t)
	for _, tc := range []struct {
		name      string
		versioned bool
		o         s3store.Options
	}{
		{"Unversioned", false, s3store.Options{}},
		{"Versioned", true, s3store.Options{}},
		{"UnversionedNoReadAhead", false, s3store.Options{DisableReadAhead: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objstoretest.Run(t, objstoretest.Features{Versioning: tc.versioned}, func(t *testing.T) (objstoretest.Store, objstoretest.Put) {
				bucket := newBucket(t, c, tc.versioned)
				return newStore(t, c, tc.o), func(name string, data []byte) (string, string) {
					putObject(t, c, bucket, name, data)
					return bucket, name
				}
			})
		})
	}
}
