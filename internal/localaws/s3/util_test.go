package s3

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/service"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// newHarnessEnv returns an in-memory environment for tests that call the
// handler directly.
func newHarnessEnv(tb testing.TB) service.Env {
	st, err := store.OpenMemory()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return service.Env{Store: st, Clock: clock.NewFake(testEpoch), Log: slog.New(slog.DiscardHandler), Account: "000000000000", Region: "us-east-1"}
}

// mustServe sends a request straight to svc and fails unless it succeeds.
func mustServe(tb testing.TB, svc http.Handler, method, path string, body []byte, header http.Header) string {
	tb.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	svc.ServeHTTP(rec, req)
	if rec.Code >= 300 {
		tb.Fatalf("%s %s = %d: %s", method, path, rec.Code, rec.Body)
	}
	return rec.Body.String()
}

func between(s, start, end string) string {
	_, rest, _ := strings.Cut(s, start)
	v, _, _ := strings.Cut(rest, end)
	return v
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// testingProcs is GOMAXPROCS, which RunParallel multiplies the parallelism
// by.
func testingProcs() int { return runtime.GOMAXPROCS(0) }
