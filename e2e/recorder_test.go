package e2e

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// A call is one request the local AWS served.
type call struct {
	// Service is the SigV4 scope's service (s3, sqs, sns, iam, lambda, logs,
	// sts), or "" for an unsigned request such as the health probe.
	Service string
	// Op names the operation: the X-Amz-Target or query Action ("CreateQueue")
	// of the JSON and query protocols, or the method, path and query keys of
	// the REST ones ("PUT /edas-000000000000-us-east-1?notification").
	Op string
	// Mutating is false for the operations that only read: Get*, List*,
	// Describe*, and GET or HEAD on the REST APIs.
	Mutating bool
	// Start is when the request arrived; Duration how long it took to
	// answer, simulated latency included.
	Start    time.Time
	Duration time.Duration
}

func (c call) String() string { return c.Service + " " + c.Op }

// A recorder is an http.Handler in front of the local AWS that records
// every call and, when latency is set, answers that much later, as a remote
// AWS region would.
type recorder struct {
	next    http.Handler
	latency time.Duration

	mu    sync.Mutex // guards calls and after
	calls []call
	after func(call) // called once each call is answered
}

func newRecorder(next http.Handler, latency time.Duration) *recorder {
	return &recorder{next: next, latency: latency}
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := call{Service: sigV4Service(r.Header.Get("Authorization")), Start: time.Now()}
	c.Op, c.Mutating = operation(r)
	if rec.latency > 0 {
		time.Sleep(rec.latency) // the simulated round trip, not a synchronisation
	}
	rec.next.ServeHTTP(w, r)
	c.Duration = time.Since(c.Start)
	rec.mu.Lock()
	rec.calls = append(rec.calls, c)
	after := rec.after
	rec.mu.Unlock()
	if after != nil {
		after(c)
	}
}

// onCall sets a function called after each call is answered (nil: none).
func (rec *recorder) onCall(f func(call)) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.after = f
}

// take returns the calls recorded since the last take and forgets them.
func (rec *recorder) take() []call {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	calls := rec.calls
	rec.calls = nil
	return calls
}

// sigV4Service returns the service of a SigV4 Authorization header's
// credential scope (".../<date>/<region>/<service>/aws4_request").
func sigV4Service(auth string) string {
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) < 5 {
		return ""
	}
	return parts[3]
}

// operation names r's operation and tells whether it changes anything. It
// reads a query-protocol body to find the Action and puts it back.
func operation(r *http.Request) (string, bool) {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		op := t[strings.LastIndex(t, ".")+1:]
		return op, !readOnly(op)
	}
	if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if form, err := url.ParseQuery(string(body)); err == nil && form.Get("Action") != "" {
			op := form.Get("Action")
			return op, !readOnly(op)
		}
	}
	op := r.Method + " " + r.URL.Path
	if keys := slices.Sorted(maps.Keys(r.URL.Query())); len(keys) > 0 {
		op += "?" + strings.Join(keys, "&")
	}
	return op, r.Method != http.MethodGet && r.Method != http.MethodHead
}

// readOnly reports whether a JSON- or query-protocol operation only reads.
func readOnly(op string) bool {
	for _, p := range []string{"Get", "List", "Describe"} {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

// mutating returns the calls that change something.
func mutating(calls []call) []call {
	var out []call
	for _, c := range calls {
		if c.Mutating {
			out = append(out, c)
		}
	}
	return out
}

// countByOp renders calls as "service Op ×n" lines in order, for messages.
func countByOp(calls []call) string {
	n := map[string]int{}
	for _, c := range calls {
		n[c.String()]++
	}
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(n)) {
		fmt.Fprintf(&b, "  %s ×%d\n", k, n[k])
	}
	return b.String()
}

// summary is what a run cost: calls, mutating calls, the sum of their
// durations and the span from the first call's start to the last's end.
type summary struct {
	Calls, Mutating int
	Sum, Span       time.Duration
}

func summarize(calls []call) summary {
	var s summary
	var first, last time.Time
	for _, c := range calls {
		s.Calls++
		if c.Mutating {
			s.Mutating++
		}
		s.Sum += c.Duration
		if first.IsZero() || c.Start.Before(first) {
			first = c.Start
		}
		if end := c.Start.Add(c.Duration); end.After(last) {
			last = end
		}
	}
	s.Span = last.Sub(first)
	return s
}
