package s3store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// API is the part of *s3.Client the store calls, and nothing more, so a
// test fake can record every request (the pattern of aws-sdk-go-v2's
// feature/s3/manager api.go). *s3.Client satisfies it.
type API interface {
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, optFns ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	// HeadBucket tells a missing bucket from a missing key after a
	// HeadObject 404, whose response has no body to say which.
	HeadBucket(ctx context.Context, in *s3.HeadBucketInput, optFns ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

var _ API = (*s3.Client)(nil)
