package handler

import (
	"bytes"
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3API is the subset of *s3.Client the handler uses.
type S3API interface {
	GetObject(ctx context.Context, params *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	PutObject(ctx context.Context, params *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

var _ S3API = (*s3.Client)(nil)

// getObject opens the object a record names: the version in the event when
// there is one (a versioned bucket), else the current object. The caller
// closes the body.
func (h *Handler) getObject(ctx context.Context, obj object) (*s3.GetObjectOutput, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(obj.bucket), Key: aws.String(obj.key)}
	if obj.versionID != "" {
		in.VersionId = aws.String(obj.versionID)
	}
	out, err := h.s3.GetObject(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("get object %s: %w", obj, err)
	}
	return out, nil
}

// putObject writes data at key in the record's bucket.
func (h *Handler) putObject(ctx context.Context, obj object, key, contentType string, data []byte) error {
	_, err := h.s3.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(obj.bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))),
		ContentType:   aws.String(contentType),
	})
	if err != nil {
		return fmt.Errorf("put object s3://%s/%s: %w", obj.bucket, key, err)
	}
	return nil
}
