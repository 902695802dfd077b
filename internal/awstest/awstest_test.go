package awstest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func TestMain(m *testing.M) { Main(m) }

func TestDynamoDBLocalAnswers(t *testing.T) {
	c := dynamodb.NewFromConfig(Config(DynamoDB(t)))
	if _, err := c.ListTables(context.Background(), &dynamodb.ListTablesInput{}); err != nil {
		t.Fatal(err)
	}
}

func TestMotoS3Answers(t *testing.T) {
	c := s3.NewFromConfig(Config(Moto(t)), func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("awstest-probe")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String("awstest-probe")}); err != nil {
		t.Fatal(err)
	}
}
