// Package s3 serves the local AWS's Amazon S3 over the REST-XML protocol
// (https://docs.aws.amazon.com/AmazonS3/latest/API/Welcome.html): buckets and
// their sub-resources (policy, public access block, ownership controls,
// encryption, tagging, versioning, notification configuration), objects with
// versions, conditional and ranged reads, copies, listings (ListObjects v1
// and v2, ListObjectVersions) and multipart uploads.
//
// Requests are addressed path style (http://host/bucket/key) or virtual-host
// style with a bucket.localhost host name. Request bodies may be aws-chunked
// (signed or unsigned, with trailing checksums) as current SDKs and the AWS
// CLI send them; Content-MD5, x-amz-content-sha256 and the flexible checksums
// (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) are verified when sent.
//
// Storage: object bodies live in files under DataDir/s3/blobs, named by a
// random ID and never by the object key, or in memory when the service runs
// without a data directory. A body of up to 64 KiB is appended to a shared
// pack file instead of a file of its own: creating a file costs more than
// the rest of a small PUT. A pack is deleted once none of its bodies is
// referenced; space freed inside a pack that still holds live bodies is not
// reclaimed. Everything else (buckets, object versions,
// multipart uploads and their parts) is kept in memory and written through to
// the store before a request is acknowledged. A body file is complete on disk
// before the transaction that references it commits, so an acknowledged
// object survives a kill -9; files that no metadata references (left by a
// crash between the two) are removed when the service starts.
//
// Concurrency: a write is planned under its bucket's lock and the locks of
// the keys it touches, written to the store without the bucket's lock (in a
// transaction that concurrent requests share, see committer), and then made
// visible in memory; readers never see a change before it is durable. No
// lock is held while a body streams.
package s3
