package handler

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// fakeS3 is an in-memory S3API. Objects are addressed by bucket, key and an
// optional version ID; GetObject of an absent object fails with
// *s3types.NoSuchKey inside a *smithy.OperationError, as *s3.Client does.
// Every call is recorded. It is safe for concurrent use.
type fakeS3 struct {
	mu      sync.Mutex
	objects map[string]fakeObject // by fakeAddr
	getErrs map[string]error      // by fakeAddr: fail GetObject
	putErrs map[string]error      // by fakeAddr: fail PutObject
	gets    []fakeCall
	puts    []fakeCall

	// omitLength, when set, leaves ContentLength out of GetObject
	// results, like a chunked response.
	omitLength bool
}

type fakeObject struct {
	body        io.Reader // streamed once when set, else data
	data        []byte
	contentType string
}

// fakeCall records one request.
type fakeCall struct {
	Bucket, Key, VersionID string
	ContentType            string
	Body                   []byte // PutObject only
}

func newFakeS3() *fakeS3 {
	return &fakeS3{objects: map[string]fakeObject{}, getErrs: map[string]error{}, putErrs: map[string]error{}}
}

func fakeAddr(bucket, key, version string) string {
	if version == "" {
		return bucket + "/" + key
	}
	return bucket + "/" + key + "?versionId=" + version
}

// put stores data as bucket/key (and as that version when version is set).
func (f *fakeS3) put(bucket, key, version string, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[fakeAddr(bucket, key, version)] = fakeObject{data: data}
}

// putStream stores an object whose body is streamed from r, once.
func (f *fakeS3) putStream(bucket, key string, r io.Reader) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[fakeAddr(bucket, key, "")] = fakeObject{body: r}
}

func (f *fakeS3) failGet(bucket, key string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.getErrs[fakeAddr(bucket, key, "")] = err
}

func (f *fakeS3) failPut(bucket, key string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.putErrs[fakeAddr(bucket, key, "")] = err
}

// object returns what was last written at bucket/key.
func (f *fakeS3) object(bucket, key string) (fakeObject, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.objects[fakeAddr(bucket, key, "")]
	return o, ok
}

func (f *fakeS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	bucket, key, version := aws.ToString(in.Bucket), aws.ToString(in.Key), aws.ToString(in.VersionId)
	f.gets = append(f.gets, fakeCall{Bucket: bucket, Key: key, VersionID: version})
	addr := fakeAddr(bucket, key, version)
	if err := f.getErrs[addr]; err != nil {
		return nil, opError("GetObject", err)
	}
	o, ok := f.objects[addr]
	if !ok {
		return nil, opError("GetObject", &s3types.NoSuchKey{Message: aws.String("The specified key does not exist.")})
	}
	out := &s3.GetObjectOutput{ContentType: aws.String("binary/octet-stream")}
	if version != "" {
		out.VersionId = aws.String(version)
	}
	if o.body != nil {
		out.Body = io.NopCloser(o.body)
		return out, nil
	}
	sum := md5.Sum(o.data)
	out.Body = io.NopCloser(bytes.NewReader(o.data))
	out.ETag = aws.String(`"` + hex.EncodeToString(sum[:]) + `"`)
	if !f.omitLength {
		out.ContentLength = aws.Int64(int64(len(o.data)))
	}
	return out, nil
}

func (f *fakeS3) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	data, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, fmt.Errorf("fake s3: read body: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	bucket, key := aws.ToString(in.Bucket), aws.ToString(in.Key)
	f.puts = append(f.puts, fakeCall{Bucket: bucket, Key: key, ContentType: aws.ToString(in.ContentType), Body: data})
	if err := f.putErrs[fakeAddr(bucket, key, "")]; err != nil {
		return nil, opError("PutObject", err)
	}
	if n := aws.ToInt64(in.ContentLength); n != int64(len(data)) {
		return nil, opError("PutObject", &smithy.GenericAPIError{Code: "IncompleteBody", Message: fmt.Sprintf("content length %d, body %d bytes", n, len(data))})
	}
	f.objects[fakeAddr(bucket, key, "")] = fakeObject{data: data, contentType: aws.ToString(in.ContentType)}
	return &s3.PutObjectOutput{}, nil
}

// putKeys returns the keys of every PutObject call, in order.
func (f *fakeS3) putKeys() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	keys := []string{}
	for _, c := range f.puts {
		keys = append(keys, c.Key)
	}
	return keys
}

func opError(op string, err error) error {
	return &smithy.OperationError{ServiceID: "S3", OperationName: op, Err: err}
}
