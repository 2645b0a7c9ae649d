package tailcmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/smithy-go"

	"github.com/edasctl/edasctl/internal/testenv"
)

// failingLogs fails the first n calls with err, then passes them on.
type failingLogs struct {
	logsAPI
	n     int64
	err   error
	calls atomic.Int64
}

func (f *failingLogs) FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, o ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	if f.calls.Add(1) <= f.n {
		return nil, fmt.Errorf("operation error CloudWatch Logs: FilterLogEvents: %w", f.err)
	}
	return f.logsAPI.FilterLogEvents(ctx, in, o...)
}

var (
	unavailable = &smithy.GenericAPIError{Code: "ServiceUnavailableException", Message: "try later", Fault: smithy.FaultServer}
	throttled   = &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded", Fault: smithy.FaultClient}
	denied      = &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not allowed", Fault: smithy.FaultClient}
	refused     = &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
)

func TestFollow_failures(t *testing.T) {
	e := testenv.New(t)
	putEvents(t, e, "/aws/lambda/edas-catalog", "s1", time.Now(), []string{"hello"})

	t.Run("a poll failing for a passing reason is noted once and repeated", func(t *testing.T) {
		logs := &failingLogs{logsAPI: cloudwatchlogs.NewFromConfig(e.AWS), n: 5, err: unavailable}
		f := startFollow(t, e, func(o *Options) { o.Logs, o.Interval = logs, 10*time.Millisecond })
		f.waitOutput(t, "the line", func(out string) bool { return strings.Contains(out, " catalog   hello\n") })
		if err := f.stop(t); err != nil {
			t.Fatalf("tail -f ended with %v, want nil", err)
		}
		stderr := f.errOut.String()
		if strings.Count(stderr, "; retrying\n") != 1 || strings.Count(stderr, "note: reading the logs again\n") != 1 {
			t.Errorf("stderr:\n%s\nwant one retry note and one recovery note", stderr)
		}
	})

	t.Run("a poll refused for the request ends follow mode with the error", func(t *testing.T) {
		logs := &failingLogs{logsAPI: cloudwatchlogs.NewFromConfig(e.AWS), n: 1, err: denied}
		f := startFollow(t, e, func(o *Options) { o.Logs = logs })
		select {
		case err := <-f.done:
			f.done <- err
			if !errors.Is(err, denied) || !strings.HasPrefix(err.Error(), "tail: read log group /aws/lambda/edas-") {
				t.Errorf("err = %v, want the access error wrapped", err)
			}
		case <-time.After(waitTimeout):
			t.Fatal("tail -f did not end")
		}
	})
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"a server fault passes", unavailable, true},
		{"throttling passes", throttled, true},
		{"a network failure passes", refused, true},
		{"access denied does not", denied, false},
		{"an error of ours does not", errors.New("write |1: broken pipe"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retryable(fmt.Errorf("read log group g: %w", tt.err)); got != tt.want {
				t.Errorf("retryable = %v, want %v", got, tt.want)
			}
		})
	}
}
