package uploadcmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// s3API is the subset of *s3.Client the command uses: what the transfer
// manager needs (PutObject, the multipart calls, GetObject, HeadObject) and
// HeadBucket.
type s3API interface {
	transfermanager.S3APIClient
	HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
}

var _ s3API = (*s3.Client)(nil)

// limited bounds the requests that carry object data (PutObject and
// UploadPart) to cap(slots) in flight across all files, as the AWS CLI's
// max_concurrent_requests does; the transfer manager's own Concurrency is
// per object.
type limited struct {
	s3API
	slots chan struct{}
}

func newLimited(api s3API, n int) *limited {
	return &limited{s3API: api, slots: make(chan struct{}, n)}
}

func (l *limited) acquire(ctx context.Context) error {
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *limited) release() { <-l.slots }

// PutObject sends a whole object once a slot is free.
func (l *limited) PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	if err := l.acquire(ctx); err != nil {
		return nil, err
	}
	defer l.release()
	return l.s3API.PutObject(ctx, in, opts...)
}

// UploadPart sends one part once a slot is free.
func (l *limited) UploadPart(ctx context.Context, in *s3.UploadPartInput, opts ...func(*s3.Options)) (*s3.UploadPartOutput, error) {
	if err := l.acquire(ctx); err != nil {
		return nil, err
	}
	defer l.release()
	return l.s3API.UploadPart(ctx, in, opts...)
}

// minPartSize is S3's smallest part but the last
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html).
const (
	minPartSize = 5 << 20
	maxPartSize = 5 << 30
)

// abortTimeout bounds the AbortMultipartUpload the transfer manager sends
// on a fresh context when the upload's context was cancelled
// (transfermanager.Options.FailTimeout).
const abortTimeout = 30 * time.Second

// An uploader puts sources into the bucket through the SDK's transfer
// manager (feature/s3/transfermanager): one PutObject below the part size,
// a multipart upload with Concurrency parts in flight from it on. On any
// failure, cancellation included, the transfer manager waits for its
// in-flight parts to return and then sends AbortMultipartUpload, on a fresh
// context bounded by abortTimeout (multiUploader.upload → complete → fail in
// its api_op_UploadObject.go), so no part is left behind; a single
// PutObject is atomic. The one gap is a cancellation while
// CreateMultipartUpload is in flight, when S3 may create an upload whose ID
// never arrives; `down` aborts such uploads before deleting the bucket
// (AWS-RULES S12). An uploader is safe for concurrent use.
type uploader struct {
	tm       *transfermanager.Client
	bucket   string
	prefix   string // every key starts with it (keyPrefix)
	partSize int64
	stdin    io.Reader
	now      func() time.Time
	// big admits one upload that may go multipart at a time: the transfer
	// manager allocates (Concurrency+1) part buffers per multipart upload.
	big chan struct{}
}

func newUploader(api s3API, bucket, prefix string, partSize int64, concurrency int, stdin io.Reader, now func() time.Time) *uploader {
	tm := transfermanager.New(newLimited(api, concurrency), func(o *transfermanager.Options) {
		o.PartSizeBytes = partSize
		o.MultipartUploadThreshold = partSize
		o.Concurrency = concurrency
		o.FailTimeout = abortTimeout
	})
	return &uploader{tm: tm, bucket: bucket, prefix: prefix, partSize: partSize, stdin: stdin, now: now, big: make(chan struct{}, 1)}
}

// An uploaded object.
type uploaded struct {
	Key         string
	Size        int64
	ETag        string // without quotes
	VersionID   string
	ContentType string
	Multipart   bool
	Start, End  time.Time
}

// key is the object key of src.
func (u *uploader) key(src source) string { return u.prefix + src.Name }

// upload puts src at its key, calling sent with the bytes S3 has
// acknowledged so far (after each part, or once for a single PutObject).
// Errors name the file and the destination and wrap the cause, so a
// cancelled upload's error satisfies errors.Is(err, context.Canceled).
func (u *uploader) upload(ctx context.Context, src source, sent func(int64)) (uploaded, error) {
	key := u.key(src)
	fail := func(err error) (uploaded, error) {
		return uploaded{}, fmt.Errorf("upload %s to s3://%s/%s: %w", src.Path, u.bucket, key, err)
	}
	body, head, closeBody, err := u.open(src)
	if err != nil {
		return fail(err)
	}
	defer closeBody()
	if src.Size < 0 || src.Size >= u.partSize {
		select {
		case u.big <- struct{}{}:
			defer func() { <-u.big }()
		case <-ctx.Done():
			return fail(ctx.Err())
		}
	}

	up := uploaded{Key: key, ContentType: contentType(src.Name, head), Start: u.now()}
	in := &transfermanager.UploadObjectInput{Bucket: aws.String(u.bucket), Key: aws.String(key), Body: body, ContentType: aws.String(up.ContentType)}
	out, err := u.tm.UploadObject(ctx, in, func(o *transfermanager.Options) {
		o.ObjectProgressListeners.Register(listener(sent))
	})
	if err != nil {
		return fail(err)
	}
	up.End = u.now()
	up.Size = src.Size
	if up.Size < 0 {
		up.Size = aws.ToInt64(out.ContentLength)
	}
	up.ETag = unquote(aws.ToString(out.ETag))
	up.VersionID = aws.ToString(out.VersionID)
	up.Multipart = aws.ToString(out.UploadID) != ""
	return up, nil
}

// open returns src's content, its first sniffLen bytes, and how to close
// it. A file stays an io.Seeker, so the transfer manager knows its size.
func (u *uploader) open(src source) (io.Reader, []byte, func(), error) {
	if src.stdin() {
		br := bufio.NewReaderSize(u.stdin, sniffLen)
		head, err := br.Peek(sniffLen)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, nil, nil, fmt.Errorf("read standard input: %w", err)
		}
		return br, head, func() {}, nil
	}
	f, err := os.Open(src.Path)
	if err != nil {
		return nil, nil, nil, unwrapPath(err)
	}
	head := make([]byte, sniffLen)
	n, err := f.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, nil, nil, fmt.Errorf("read %s: %w", src.Path, unwrapPath(err))
	}
	return f, head[:n], func() { f.Close() }, nil
}

// listener adapts a byte-count callback to the transfer manager's progress
// hooks.
type listener func(int64)

// OnObjectBytesTransferred reports the bytes acknowledged so far.
func (l listener) OnObjectBytesTransferred(_ context.Context, e *transfermanager.ObjectBytesTransferredEvent) {
	if l != nil {
		l(e.BytesTransferred)
	}
}

var _ transfermanager.ObjectBytesTransferredListener = listener(nil)

func unquote(etag string) string {
	if len(etag) >= 2 && etag[0] == '"' && etag[len(etag)-1] == '"' {
		return etag[1 : len(etag)-1]
	}
	return etag
}
