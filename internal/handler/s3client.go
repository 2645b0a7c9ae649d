package handler

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/edasctl/edasctl/internal/s3endpoint"
	"github.com/edasctl/edasctl/internal/smallbody"
)

// NewS3Client returns the S3 client the function uses, built from awsCfg
// (config.LoadDefaultConfig in production). Build it once per process: the
// client holds the HTTP connection pool that keeps connections to S3 alive
// between records and invocations.
//
// A BaseEndpoint (AWS_ENDPOINT_URL, the local AWS) is addressed by path
// rather than by virtual host, and its endpoints are resolved without
// evaluating the S3 rule set (package s3endpoint).
//
// Request checksums are calculated, and response checksums validated, only
// when an operation requires it ("when_required"), whatever awsCfg says.
// Since S3 module v1.74.1 the SDK's default is "when_supported": a CRC32 of
// every PutObject body (sent over HTTPS as an aws-chunked body with a
// trailer) and a CRC64NVME check of every GetObject body, which S3 does not
// require for either operation
// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-dataintegrity.html,
// https://docs.aws.amazon.com/sdk-for-go/v2/developer-guide/s3-checksums.html).
// For objects of a few KiB that per-request work is a visible share of the
// function's CPU, and it buys little here: the transport is TLS, the catalog
// action hashes every byte it reads with SHA-256 itself, and what it writes
// is a small JSON document or a thumbnail that the next event rewrites.
// Consequently AWS_REQUEST_CHECKSUM_CALCULATION and
// AWS_RESPONSE_CHECKSUM_VALIDATION have no effect on this client.
//
// A small request body (the catalog entry, a thumbnail) leaves in the same
// write as its headers (package smallbody).
func NewS3Client(awsCfg aws.Config) *s3.Client {
	return s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		// A custom endpoint (the local AWS) serves buckets by path, not by
		// virtual host, and is resolved without the S3 rule set.
		s3endpoint.Options(o)
		// Objects uploaded without a checksum would otherwise log a line
		// per GetObject; the function's output is one JSON line a record.
		o.DisableLogOutputChecksumValidationSkipped = true
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		o.HTTPClient = smallbody.WrapSDK(o.HTTPClient)
	})
}
