// Package smallbody makes an HTTP client send a small request body in the
// same write(2) as the request's headers.
//
// net/http writes the headers and the body of a request in one write only
// when it knows the body is in memory (a *bytes.Reader, *bytes.Buffer or
// *strings.Reader, possibly behind io.NopCloser); for any other body it
// flushes the headers first and writes the body after them, "an optional
// optimization to send fewer TCP packets" (net/http's transfer.go,
// isKnownInMemoryReader). The AWS SDK hands every body to net/http inside a
// reader of its own, so each S3 PutObject costs two writes, and on the
// loopback connection to the local AWS each write is also a wake-up of the
// server: about a sixth of the catalog function's CPU per record went to
// socket writes (BenchmarkHandleBatchOfTen's profile). Wrap reads a body of
// at most Limit bytes into memory first, so the request leaves in one write.
package smallbody

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// Limit is the largest body read into memory; larger bodies, and bodies of
// unknown length, are streamed as they are.
const Limit = 64 << 10

// A Doer sends an HTTP request: *http.Client and aws.HTTPClient.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Wrap returns a Doer that sends requests through next, with bodies of at
// most Limit bytes read into memory beforehand. The request given to Do is
// not modified; the one next receives is a shallow copy with the in-memory
// body (and a GetBody returning it again), and the original body is closed
// once read, as the transport would have closed it.
func Wrap(next Doer) Doer { return client{next} }

type client struct{ next Doer }

func (c client) Do(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.Body == http.NoBody || req.ContentLength <= 0 || req.ContentLength > Limit {
		return c.next.Do(req)
	}
	buf := make([]byte, req.ContentLength)
	_, err := io.ReadFull(req.Body, buf)
	req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read request body (%d bytes announced): %w", req.ContentLength, err)
	}
	r := *req
	r.Body = io.NopCloser(bytes.NewReader(buf))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf)), nil }
	return c.next.Do(&r)
}

// WrapSDK is Wrap for an AWS SDK client's HTTPClient option; nil stands
// for the SDK's default client, as it does in the SDK.
func WrapSDK(c aws.HTTPClient) aws.HTTPClient {
	if c == nil {
		c = awshttp.NewBuildableClient()
	}
	return Wrap(c)
}
