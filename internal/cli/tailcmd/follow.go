package tailcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// follow polls the sources every interval until ctx ends, which is a
// success. A log group that does not exist yet is noted once on errOut and
// waited for. A poll that fails for a reason that may pass (a server fault,
// throttling beyond the SDK's retries, a network failure, e.g. the local AWS
// restarting) is noted once per run of failures and repeated; any other
// failure ends the command.
func follow(ctx context.Context, errOut io.Writer, sources []*source, r Renderer, interval time.Duration) error {
	noted := map[string]bool{}
	failing := false
	for {
		err := poll(ctx, sources, nil, r.Render)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil && !retryable(err):
			return err
		case err != nil && !failing:
			failing = true
			fmt.Fprintf(errOut, "note: %v; retrying\n", err)
		case err == nil && failing:
			failing = false
			fmt.Fprintln(errOut, "note: reading the logs again")
		}
		for _, s := range sources {
			if s.missing && !noted[s.group] {
				noted[s.group] = true
				fmt.Fprintf(errOut, "note: log group %s does not exist yet: waiting for %s's first invocation\n", s.group, s.function)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(interval):
		}
	}
}

// retryable reports whether a failed poll may succeed if repeated: the
// service faulted or throttled (the codes the SDK's standard retryer treats
// as throttling), or the network failed.
func retryable(err error) bool {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		_, throttled := retry.DefaultThrottleErrorCodes[apiErr.ErrorCode()]
		return throttled || apiErr.ErrorFault() == smithy.FaultServer
	}
	var netErr *net.OpError
	return errors.As(err, &netErr)
}
