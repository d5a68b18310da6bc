// Command localsetup creates what ferry's AWS examples use on the local
// AWS-compatible servers that `make run` starts: the S3 bucket, the Kinesis
// stream and the DynamoDB table. The SNS topic and SQS queues come from the
// goaws configuration. It reads the usual AWS_* variables.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "localsetup:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("ferry-files")}); err != nil && !exists(err) {
		return fmt.Errorf("create bucket: %w", err)
	}
	kc := kinesis.NewFromConfig(cfg)
	if _, err := kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("clicks"), ShardCount: aws.Int32(1)}); err != nil && !exists(err) {
		return fmt.Errorf("create stream: %w", err)
	}
	dc := dynamodb.NewFromConfig(cfg)
	_, err = dc.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("notes"),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	})
	if err != nil && !exists(err) {
		return fmt.Errorf("create table: %w", err)
	}
	return nil
}

// exists reports the "already there" answers, so setup can run again.
func exists(err error) bool {
	var (
		owned  *s3types.BucketAlreadyOwnedByYou
		inUse  *kintypes.ResourceInUseException
		tInUse *ddbtypes.ResourceInUseException
	)
	return errors.As(err, &owned) || errors.As(err, &inUse) || errors.As(err, &tInUse)
}
