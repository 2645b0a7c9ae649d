package provision

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// Notifications tells whether S3 notifications reach the consumers yet.
// After a notification configuration is set, S3 sends an s3:TestEvent
// (AWS-RULES S7) and "it usually takes about five minutes for the changes
// to take effect" (S8); the handler logs the TestEvent it acknowledges, so
// a logged TestEvent proves the whole path S3 → SNS → SQS → Lambda works.
type Notifications struct {
	// Armed is true once a consumer logged the TestEvent.
	Armed bool `json:"armed"`
	// TestEventAt is when it was logged (zero when not armed).
	TestEventAt time.Time `json:"testEventAt,omitzero"`
}

// testEventPattern selects the handler's log line for an acknowledged
// s3:TestEvent (see internal/handler: reason "s3:TestEvent").
const testEventPattern = `{ $.reason = "s3:TestEvent" }`

// maxArmedPages bounds the search, which status --watch repeats. A consumer
// with a filter policy never receives the TestEvent (it has no object key),
// so one consumer without a filter is enough to tell.
const maxArmedPages = 20

// notifications looks for the TestEvent in every consumer's log group; a
// missing group means nothing was logged yet.
func (p *Plan) notifications(ctx context.Context) (Notifications, error) {
	var n Notifications
	for _, c := range p.cfg.Consumers {
		in := &cloudwatchlogs.FilterLogEventsInput{
			LogGroupName:  aws.String(p.cfg.LogGroupName(c.Name)),
			FilterPattern: aws.String(testEventPattern),
			Limit:         aws.Int32(1),
		}
		// A page may be empty while more pages remain; stop at the first
		// match, at the end, or at a repeated token.
		for page := 0; page < maxArmedPages; page++ {
			out, err := p.clients.Logs.FilterLogEvents(ctx, in)
			var nf *cwltypes.ResourceNotFoundException
			if errors.As(err, &nf) {
				break
			}
			if err != nil {
				return n, err
			}
			for _, ev := range out.Events {
				at := time.UnixMilli(aws.ToInt64(ev.Timestamp)).UTC()
				if !n.Armed || at.Before(n.TestEventAt) {
					n.Armed, n.TestEventAt = true, at
				}
			}
			if len(out.Events) > 0 || out.NextToken == nil || aws.ToString(out.NextToken) == aws.ToString(in.NextToken) {
				break
			}
			in.NextToken = out.NextToken
		}
	}
	return n, nil
}
