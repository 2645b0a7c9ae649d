package smallbody

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// streamBody is a body net/http cannot tell is in memory, like the SDK's.
type streamBody struct {
	io.Reader
	closed bool
}

func (s *streamBody) Close() error { s.closed = true; return nil }

// writeCounter counts the writes made on the connections it dials.
type writeCounter struct{ writes atomic.Int64 }

func (w *writeCounter) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return countingConn{c, w}, nil
}

type countingConn struct {
	net.Conn
	w *writeCounter
}

func (c countingConn) Write(p []byte) (int, error) {
	c.w.writes.Add(1)
	return c.Conn.Write(p)
}

// put sends a PUT of body through doer (wrapped or not) and returns the
// number of writes the connection saw and what the server received.
func put(t *testing.T, wrap bool, body []byte) (writes int64, got []byte) {
	t.Helper()
	received := make(chan []byte, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		received <- b
	}))
	defer srv.Close()
	var wc writeCounter
	var doer Doer = &http.Client{Transport: &http.Transport{DialContext: wc.dial}}
	if wrap {
		doer = Wrap(doer)
	}
	sb := &streamBody{Reader: bytes.NewReader(body)}
	req, err := http.NewRequest(http.MethodPut, srv.URL+"/k", sb)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(body))
	resp, err := doer.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !sb.closed {
		t.Error("the original body was not closed")
	}
	return wc.writes.Load(), <-received
}

func TestSmallBodyLeavesInOneWriteWithItsHeaders(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 1024)
	if writes, _ := put(t, false, body); writes != 2 {
		t.Fatalf("unwrapped client: %d writes, want 2 (headers, then body); the premise of the package changed", writes)
	}
	writes, got := put(t, true, body)
	if writes != 1 {
		t.Errorf("wrapped client: %d writes, want 1", writes)
	}
	if !bytes.Equal(got, body) {
		t.Errorf("server received %d bytes, want the %d sent", len(got), len(body))
	}
}

func TestLargeBodyIsStreamedAsItIs(t *testing.T) {
	body := bytes.Repeat([]byte("y"), Limit+1)
	_, got := put(t, true, body)
	if !bytes.Equal(got, body) {
		t.Errorf("server received %d bytes, want %d", len(got), len(body))
	}
}

// recorder is a Doer that keeps the request it was given.
type recorder struct{ req *http.Request }

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	r.req = req
	return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody}, nil
}

func TestWrapLeavesTheCallersRequestAloneAndSetsGetBody(t *testing.T) {
	var rec recorder
	orig := &streamBody{Reader: strings.NewReader("hello")}
	req, _ := http.NewRequest(http.MethodPut, "http://127.0.0.1/k", orig)
	req.ContentLength = 5
	if _, err := Wrap(&rec).Do(req); err != nil {
		t.Fatal(err)
	}
	if req.Body != orig {
		t.Error("the caller's request got a new body")
	}
	if rec.req == req {
		t.Fatal("next received the caller's request, want a copy")
	}
	for range 2 {
		b, err := rec.req.GetBody()
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := io.ReadAll(b); string(got) != "hello" {
			t.Errorf("GetBody gave %q, want %q", got, "hello")
		}
	}
}

func TestShortBodyIsAnError(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPut, "http://127.0.0.1/k", &streamBody{Reader: strings.NewReader("abc")})
	req.ContentLength = 10
	var rec recorder
	if _, err := Wrap(&rec).Do(req); err == nil || !strings.Contains(err.Error(), "10 bytes announced") {
		t.Errorf("Do = %v, want an error naming the announced length", err)
	}
	if rec.req != nil {
		t.Error("a short body was sent")
	}
}

func TestBodilessAndUnknownLengthRequestsPassThrough(t *testing.T) {
	for _, tc := range []struct {
		name   string
		body   io.ReadCloser
		length int64
	}{
		{"no body", nil, 0},
		{"unknown length", &streamBody{Reader: strings.NewReader("abc")}, -1},
	} {
		req, _ := http.NewRequest(http.MethodPut, "http://127.0.0.1/k", nil)
		req.Body, req.ContentLength = tc.body, tc.length
		var rec recorder
		if _, err := Wrap(&rec).Do(req); err != nil {
			t.Fatal(err)
		}
		if rec.req != req {
			t.Errorf("%s: request was copied, want it passed as is", tc.name)
		}
	}
}
