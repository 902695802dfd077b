package s3store_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// request is one recorded call to the fake, with the fields the store
// sets; nil pointers are "".
type request struct {
	Op, Bucket, Key, VersionID, Range, IfMatch string
}

type fakeObject struct {
	data      []byte
	etag      string // quoted, as S3 returns it
	versionID string
}

// fake is a capture fake of the S3 API: it records every request and
// answers from in-memory objects the way S3 does (Range, If-Match,
// VersionId), or with the error fail returns.
type fake struct {
	mu      sync.Mutex
	objects map[string]fakeObject // by bucket + "/" + key
	reqs    []request
	gets    chan struct{} // one token per GetObject
	// fail, when set, may answer a request with an error instead.
	fail func(r request) error
	// shortBy trims GetObject bodies by this many bytes.
	shortBy int
	// contentRange, when set, replaces the Content-Range answered.
	contentRange string
}

func newFake() *fake { return &fake{objects: map[string]fakeObject{}, gets: make(chan struct{}, 1000)} }

func (f *fake) put(bucket, key string, data []byte, versionID string) {
	sum := md5.Sum(data)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[bucket+"/"+key] = fakeObject{data: data, etag: `"` + hex.EncodeToString(sum[:]) + `"`, versionID: versionID}
}

func (f *fake) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.reqs...)
}

// waitGets blocks until n more GetObject calls have been made.
func (f *fake) waitGets(t *testing.T, n int) {
	t.Helper()
	for range n {
		select {
		case <-f.gets:
		case <-time.After(10 * time.Second):
			t.Fatal("no GetObject call arrived (hang guard)")
		}
	}
}

func apiError(op string, status int, code string) error {
	return &smithy.OperationError{ServiceID: "S3", OperationName: op, Err: &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
			Err:      &smithy.GenericAPIError{Code: code, Message: "fake " + code}},
		RequestID: "fake-request"}}
}

func (f *fake) record(r request) (fakeObject, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, r)
	if f.fail != nil {
		if err := f.fail(r); err != nil {
			return fakeObject{}, false, err
		}
	}
	o, ok := f.objects[r.Bucket+"/"+r.Key]
	if ok && r.VersionID != "" && r.VersionID != o.versionID {
		ok = false
	}
	return o, ok, nil
}

func (f *fake) HeadObject(_ context.Context, in *s3.HeadObjectInput, _ ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	o, ok, err := f.record(request{Op: "Head", Bucket: aws.ToString(in.Bucket), Key: aws.ToString(in.Key), VersionID: aws.ToString(in.VersionId)})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apiError("HeadObject", 404, "NotFound")
	}
	out := &s3.HeadObjectOutput{ContentLength: aws.Int64(int64(len(o.data))), ETag: aws.String(o.etag)}
	if o.versionID != "" {
		out.VersionId = aws.String(o.versionID)
	}
	return out, nil
}

func (f *fake) HeadBucket(_ context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	bucket := aws.ToString(in.Bucket)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, request{Op: "HeadBucket", Bucket: bucket})
	for k := range f.objects {
		if strings.HasPrefix(k, bucket+"/") {
			return &s3.HeadBucketOutput{}, nil
		}
	}
	return nil, apiError("HeadBucket", 404, "NotFound")
}

func (f *fake) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	defer func() { f.gets <- struct{}{} }()
	r := request{Op: "Get", Bucket: aws.ToString(in.Bucket), Key: aws.ToString(in.Key), VersionID: aws.ToString(in.VersionId),
		Range: aws.ToString(in.Range), IfMatch: aws.ToString(in.IfMatch)}
	o, ok, err := f.record(r)
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, apiError("GetObject", 404, "NoSuchKey")
	case r.IfMatch != "" && r.IfMatch != o.etag:
		return nil, apiError("GetObject", 412, "PreconditionFailed")
	}
	first, last := int64(0), int64(len(o.data))-1
	if r.Range != "" {
		a, b, _ := strings.Cut(strings.TrimPrefix(r.Range, "bytes="), "-")
		first, _ = strconv.ParseInt(a, 10, 64)
		last, _ = strconv.ParseInt(b, 10, 64)
		if first >= int64(len(o.data)) {
			return nil, apiError("GetObject", 416, "InvalidRange")
		}
		last = min(last, int64(len(o.data))-1)
	}
	body := o.data[first : last+1]
	body = body[:max(0, len(body)-f.shortBy)]
	cr := fmt.Sprintf("bytes %d-%d/%d", first, last, len(o.data))
	if f.contentRange != "" {
		cr = f.contentRange
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(body)), ContentLength: aws.Int64(last - first + 1),
		ContentRange: aws.String(cr), ETag: aws.String(o.etag)}, nil
}

func (f *fake) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	if _, _, err := f.record(request{Op: "Put", Bucket: aws.ToString(in.Bucket), Key: aws.ToString(in.Key)}); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	f.put(aws.ToString(in.Bucket), aws.ToString(in.Key), data, "")
	return &s3.PutObjectOutput{}, nil
}
