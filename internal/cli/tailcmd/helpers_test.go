package tailcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/edasctl/edasctl/internal/cli/stack"
	"github.com/edasctl/edasctl/internal/iostreams"
	"github.com/edasctl/edasctl/internal/testenv"
)

// waitTimeout bounds every wait for the pipeline; generous for a loaded
// two-core machine.
const waitTimeout = 60 * time.Second

// syncBuffer is a bytes.Buffer safe to write from the command's goroutine
// and read from the test's.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// countingLogs counts FilterLogEvents calls, and the polls of a log group
// (the calls without a nextToken).
type countingLogs struct {
	logsAPI
	calls, polls atomic.Int64
}

func (c *countingLogs) FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, o ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	c.calls.Add(1)
	if in.NextToken == nil {
		c.polls.Add(1)
	}
	return c.logsAPI.FilterLogEvents(ctx, in, o...)
}

// options returns tail Options for e with buffers for stdout and stderr.
func options(e *testenv.Env, out, errOut *syncBuffer) *Options {
	ios, _, _, _ := iostreams.Test()
	ios.Out, ios.ErrOut = out, errOut
	opts := &Options{IO: ios, Location: time.UTC, Stack: func(context.Context) (*stack.Stack, error) {
		return &stack.Stack{Config: e.Config, AWS: e.AWS, Clients: e.Clients, Target: e.Target, Local: true}, nil
	}}
	_ = opts.Since.Set("10m")
	return opts
}

// once runs tail without --follow and returns stdout.
func once(t *testing.T, e *testenv.Env, edit func(*Options)) string {
	t.Helper()
	var out, errOut syncBuffer
	opts := options(e, &out, &errOut)
	if edit != nil {
		edit(opts)
	}
	if err := run(t.Context(), opts); err != nil {
		t.Fatalf("tail: %v (stderr %q)", err, errOut.String())
	}
	return out.String()
}

// onceUntil runs tail without --follow until cond holds for its output.
func onceUntil(t *testing.T, e *testenv.Env, edit func(*Options), what string, cond func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		out := once(t, e, edit)
		if cond(out) {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("tail never showed %s; last output:\n%s", what, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitUntil polls cond until it holds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// follower is a `tail --follow` running in a goroutine.
type follower struct {
	out, errOut syncBuffer
	cancel      context.CancelFunc
	done        chan error
}

func startFollow(t *testing.T, e *testenv.Env, edit func(*Options)) *follower {
	t.Helper()
	f := &follower{done: make(chan error, 1)}
	opts := options(e, &f.out, &f.errOut)
	opts.Follow = true
	if edit != nil {
		edit(opts)
	}
	ctx, cancel := context.WithCancel(t.Context())
	f.cancel = cancel
	go func() { f.done <- run(ctx, opts) }()
	t.Cleanup(func() {
		cancel()
		<-f.done
	})
	return f
}

// waitOutput waits until cond holds for the follower's stdout.
func (f *follower) waitOutput(t *testing.T, what string, cond func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		out := f.out.String()
		if cond(out) {
			return out
		}
		select {
		case err := <-f.done:
			t.Fatalf("tail -f ended with %v before showing %s; output:\n%s", err, what, out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("tail -f never showed %s; output:\n%s\nstderr:\n%s", what, out, f.errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop cancels the follower and returns what run returned.
func (f *follower) stop(t *testing.T) error {
	t.Helper()
	f.cancel()
	select {
	case err := <-f.done:
		f.done <- err // for the cleanup
		return err
	case <-time.After(waitTimeout):
		t.Fatal("tail -f did not end after its context was cancelled")
		return nil
	}
}

// jsonLines decodes -o json output, one object per line.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q is not JSON: %v", l, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// records returns the handler record lines of -o json output as
// "consumer outcome key".
func records(lines []map[string]any) []string {
	var out []string
	for _, l := range lines {
		if l["kind"] == KindRecord && l["key"] != "" {
			out = append(out, l["consumer"].(string)+" "+l["outcome"].(string)+" "+l["key"].(string))
		}
	}
	return out
}

func upload(t *testing.T, e *testenv.Env, key string, body []byte) {
	t.Helper()
	if _, err := e.S3.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(e.Bucket()), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

func jpegBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(x), G: uint8(y), B: 128, A: 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// putEvents writes messages into a new stream of group, all with the
// timestamp ts, creating the group when it does not exist.
func putEvents(t *testing.T, e *testenv.Env, group, stream string, ts time.Time, messages []string) {
	t.Helper()
	api := cloudwatchlogs.NewFromConfig(e.AWS)
	ctx := t.Context()
	var exists *logstypes.ResourceAlreadyExistsException
	if _, err := api.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil && !errors.As(err, &exists) {
		t.Fatalf("create log group: %v", err)
	}
	if _, err := api.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}); err != nil {
		t.Fatalf("create log stream: %v", err)
	}
	var evs []logstypes.InputLogEvent
	for _, m := range messages {
		evs = append(evs, logstypes.InputLogEvent{Message: aws.String(m), Timestamp: aws.Int64(ts.UnixMilli())})
	}
	if _, err := api.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: evs}); err != nil {
		t.Fatalf("put log events: %v", err)
	}
}
