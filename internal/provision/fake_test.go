package provision

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
)

// fakeCloud is a small in-memory AWS shared by the per-service fakes
// below. Every call is recorded as "<Service>.<Operation> <resource>";
// failures and pauses are injected per operation with fail and onCall.
// It implements only what the plan uses, with the behaviours the plan
// relies on (typed "not found" errors, URL-encoded IAM documents, a default
// topic policy, tags, ESM states).
type fakeCloud struct {
	mu    sync.Mutex // guards everything below
	calls []string
	// fail maps an operation ("SQS.CreateQueue") or an operation on one
	// resource ("SQS.CreateQueue edas-thumbnail") to the errors its next
	// calls return, one per call; a nil entry lets the call proceed.
	fail map[string][]error
	// onCall, when set, runs at the start of every call, outside the lock.
	onCall func(call string)

	account, region string
	buckets         map[string]*fakeBucket
	topics          map[string]*fakeTopic // by ARN
	subs            map[string]*fakeSub   // by ARN
	queues          map[string]*fakeQueue // by name
	roles           map[string]*fakeRole
	groups          map[string]*fakeGroup
	functions       map[string]*fakeFunction
	mappings        map[string]*fakeMapping // by UUID
	seq             int
	// pendingAfterWrite is how many GetFunction calls report a function
	// Pending (or its update InProgress) after each create or update.
	pendingAfterWrite int
}

func newFakeCloud() *fakeCloud {
	return &fakeCloud{
		fail:    map[string][]error{},
		account: testAccount, region: testRegion,
		buckets: map[string]*fakeBucket{}, topics: map[string]*fakeTopic{}, subs: map[string]*fakeSub{},
		queues: map[string]*fakeQueue{}, roles: map[string]*fakeRole{}, groups: map[string]*fakeGroup{},
		functions: map[string]*fakeFunction{}, mappings: map[string]*fakeMapping{},
	}
}

// clients returns the fakes as a Clients.
func (c *fakeCloud) clients() Clients {
	return Clients{S3: fakeS3{c}, SNS: fakeSNS{c}, SQS: fakeSQS{c}, IAM: fakeIAM{c}, Lambda: fakeLambda{c}, Logs: fakeLogs{c}}
}

// call records a call and returns the injected error, if any. It must be
// called without c.mu held; it returns with c.mu held, so the caller can
// defer c.mu.Unlock().
func (c *fakeCloud) call(op, resource string) error {
	if c.onCall != nil {
		c.onCall(op + " " + resource)
	}
	c.mu.Lock()
	c.calls = append(c.calls, op+" "+resource)
	for _, key := range []string{op + " " + resource, op} {
		if errs := c.fail[key]; len(errs) > 0 {
			c.fail[key] = errs[1:]
			return errs[0]
		}
	}
	return nil
}

// failNext makes the next calls of op (an operation, or an operation and
// a resource) return errs, in order.
func (c *fakeCloud) failNext(op string, errs ...error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fail[op] = append(c.fail[op], errs...)
}

// mutatingPrefixes mark the operations that change something.
var mutatingPrefixes = []string{"Create", "Put", "Set", "Delete", "Tag", "Update", "Subscribe", "Unsubscribe", "Abort", "Detach"}

// mutations returns the recorded calls that change something.
func (c *fakeCloud) mutations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, call := range c.calls {
		op := strings.SplitN(strings.SplitN(call, " ", 2)[0], ".", 2)[1]
		for _, p := range mutatingPrefixes {
			if strings.HasPrefix(op, p) {
				out = append(out, call)
				break
			}
		}
	}
	return out
}

// recorded returns the calls so far and forgets them.
func (c *fakeCloud) reset() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.calls
	c.calls = nil
	return out
}

// index returns the position of the first call with the given prefix, or -1.
func (c *fakeCloud) index(prefix string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.IndexFunc(c.calls, func(s string) bool { return strings.HasPrefix(s, prefix) })
}

// count returns the number of calls with the given prefix.
func (c *fakeCloud) count(prefix string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, s := range c.calls {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

func (c *fakeCloud) nextID() string {
	c.seq++
	return fmt.Sprintf("%08d", c.seq)
}

// apiErr returns a generic API error with code and message, as the SDK
// builds for errors it has no type for.
func apiErr(code, msg string) error { return &smithy.GenericAPIError{Code: code, Message: msg} }

func copyTags(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	maps.Copy(out, m)
	return out
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return base64.StdEncoding.EncodeToString(s[:])
}

// iamEncode URL-encodes a document as IAM returns it.
func iamEncode(doc string) *string { return aws.String(url.PathEscape(doc)) }
