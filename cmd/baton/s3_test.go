package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/batonrun/baton/internal/awstest"
)

// motoEnv uploads data to a fresh moto bucket and returns the bucket and
// the environment that points the standard AWS chain at moto, isolated
// from the machine's own AWS profile.
func motoEnv(t *testing.T, bucket, key string, data []byte) []string {
	t.Helper()
	url := awstest.Moto(t)
	c := s3.NewFromConfig(awstest.Config(url), func(o *s3.Options) { o.UsePathStyle = true })
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data)))})
	if err != nil {
		t.Fatal(err)
	}
	none := filepath.Join(t.TempDir(), "none")
	return []string{"AWS_ENDPOINT_URL_S3=" + url, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_REGION=" + awstest.Region, "AWS_CONFIG_FILE=" + none, "AWS_SHARED_CREDENTIALS_FILE=" + none,
		"AWS_PROFILE=", "AWS_EC2_METADATA_DISABLED=true", "BATON_S3_PATH_STYLE=true"}
}

// `baton run s3://…` over the flights sample in moto prints the same
// result table as `baton run` over the local file, with many ranges and
// batches so the S3 reads are ranged, pinned and read ahead.
func TestRunS3MatchesLocalFile(t *testing.T) {
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	const key = "in/flights sample+1%20ü.csv" // literal key: not URL-decoded
	env := motoEnv(t, "baton-cli-run-s3", key, data)
	for _, q := range []string{groupBy, "SELECT count(*), sum(distance), min(delay), max(delay) FROM s3object WHERE origin = 'SFO'"} {
		args := []string{"--query", q, "--output", "csv", "--range-size", "256KiB", "--batch-size", "32KiB", "--quiet"}
		want := baton(t, t.TempDir(), append([]string{"run", sample}, args...)...)
		got := batonEnv(t, t.TempDir(), env, append([]string{"run", "s3://baton-cli-run-s3/" + key}, args...)...)
		if want.code != 0 || got.code != 0 {
			t.Fatalf("exit codes: file %d (%s), s3 %d (%s)", want.code, want.stderr, got.code, got.stderr)
		}
		if got.stderr != "" {
			t.Errorf("--quiet s3 run wrote to stderr: %s", got.stderr)
		}
		if strings.Count(want.stdout, "\n") < 2 || got.stdout != want.stdout {
			t.Errorf("%s\nfile:\n%s\ns3:\n%s", q, want.stdout, got.stdout)
		}
	}
}

func TestRunS3Errors(t *testing.T) {
	env := motoEnv(t, "baton-cli-s3-errors", "present.csv", []byte("a,b\n1,2\n"))
	q := []string{"--query", "SELECT count(*) FROM s3object"}
	for _, tc := range []struct{ url, want string }{
		{"s3://baton-cli-s3-errors/missing.csv", "baton: s3store: head s3://baton-cli-s3-errors/missing.csv: object not found"},
		{"s3://baton-cli-no-such-bucket/present.csv", `baton: s3store: head s3://baton-cli-no-such-bucket/present.csv: bucket "baton-cli-no-such-bucket" does not exist: object not found`},
		{"s3://baton-cli-s3-errors", `"s3://baton-cli-s3-errors": want s3://BUCKET/KEY`},
		{"s3:///present.csv", `want s3://BUCKET/KEY`},
		{"s3://baton-cli-s3-errors/dir/", `names a folder, not an object`},
	} {
		r := batonEnv(t, t.TempDir(), env, append([]string{"run", tc.url}, q...)...)
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("baton run %s: exit %d, stderr %q; want exit 1 and %q", tc.url, r.code, r.stderr, tc.want)
		}
	}
}
