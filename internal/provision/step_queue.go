package provision

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/edasctl/edasctl/internal/config"
)

// dlqRetentionSeconds keeps dead letters for 14 days, the SQS maximum
// (AWS-RULES Q3), so there is time to inspect and redrive them.
const dlqRetentionSeconds = 14 * 24 * 60 * 60

// queueStep is a consumer's queue or, with dlq set, its dead-letter queue.
// The DLQ is created first; the queue then names it in its RedrivePolicy
// (AWS-RULES Q4) and gets a visibility timeout of six times the function
// timeout (L4). Both use SSE-SQS.
type queueStep struct {
	consumer *config.Consumer
	dlq      bool
}

func (q *queueStep) name(o *op) string {
	if q.dlq {
		return o.cfg.DLQName(q.consumer.Name)
	}
	return o.cfg.QueueName(q.consumer.Name)
}

func (q *queueStep) kind() string {
	if q.dlq {
		return "dead-letter queue"
	}
	return "queue"
}

// wantAttributes returns the attributes the plan sets.
func (q *queueStep) wantAttributes(o *op) map[string]string {
	attrs := map[string]string{"SqsManagedSseEnabled": "true"}
	if q.dlq {
		attrs["MessageRetentionPeriod"] = strconv.Itoa(dlqRetentionSeconds)
		return attrs
	}
	attrs["VisibilityTimeout"] = strconv.Itoa(q.consumer.VisibilityTimeoutSeconds())
	attrs["RedrivePolicy"] = redrivePolicy(o.target.queueARN(o.cfg.DLQName(q.consumer.Name)), q.consumer.MaxReceiveCount)
	return attrs
}

// redrivePolicy renders a RedrivePolicy attribute.
func redrivePolicy(dlqARN string, maxReceive int) string {
	return fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":%d}`, dlqARN, maxReceive)
}

// sameAttribute compares one queue attribute; RedrivePolicy is compared by
// meaning, since SQS may return maxReceiveCount as a string or a number.
func sameAttribute(name, have, want string) bool {
	if name != "RedrivePolicy" {
		return have == want
	}
	var h, w struct {
		Target string          `json:"deadLetterTargetArn"`
		Max    json.RawMessage `json:"maxReceiveCount"`
	}
	if json.Unmarshal([]byte(have), &h) != nil || json.Unmarshal([]byte(want), &w) != nil {
		return false
	}
	unq := func(r json.RawMessage) string { s, _ := strconv.Unquote(string(r)); return s }
	hm, wm := string(h.Max), string(w.Max)
	if s := unq(h.Max); s != "" {
		hm = s
	}
	if s := unq(w.Max); s != "" {
		wm = s
	}
	return h.Target == w.Target && hm == wm
}

// queueMissing reports SQS's answer for a queue that does not exist.
func queueMissing(err error) bool {
	var qne *sqstypes.QueueDoesNotExist
	return errors.As(err, &qne) || hasCode(err, "AWS.SimpleQueueService.NonExistentQueue")
}

// queueURL returns the URL of the named queue, or "" when it does not exist.
func queueURL(ctx context.Context, api SQSAPI, name string) (string, error) {
	out, err := api.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: &name})
	if queueMissing(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("find queue %s: %w", name, err)
	}
	return aws.ToString(out.QueueUrl), nil
}

func queueAttributes(ctx context.Context, api SQSAPI, name, url string, names ...sqstypes.QueueAttributeName) (map[string]string, error) {
	out, err := api.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: &url, AttributeNames: names})
	if err != nil {
		return nil, fmt.Errorf("read queue %s: %w", name, err)
	}
	return out.Attributes, nil
}

func queueTags(ctx context.Context, api SQSAPI, name, url string) (map[string]string, error) {
	out, err := api.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: &url})
	if err != nil {
		return nil, fmt.Errorf("read tags of queue %s: %w", name, err)
	}
	if out.Tags == nil {
		return map[string]string{}, nil
	}
	return out.Tags, nil
}

// queueState is what read found.
type queueState struct {
	url   string
	set   map[string]string // attributes to set
	tags  map[string]string // tags to add
	diffs []Diff
}

func (q *queueStep) read(ctx context.Context, o *op) (*queueState, error) {
	api, name := o.clients.SQS, q.name(o)
	url, err := queueURL(ctx, api, name)
	if err != nil || url == "" {
		return &queueState{}, err
	}
	st := &queueState{url: url, set: map[string]string{}}
	have, err := queueAttributes(ctx, api, name, url, sqstypes.QueueAttributeNameAll)
	if err != nil {
		return nil, err
	}
	want := q.wantAttributes(o)
	for _, k := range sortedKeys(want) {
		if !sameAttribute(k, have[k], want[k]) {
			st.set[k] = want[k]
			st.diffs = append(st.diffs, Diff{Field: k, Have: have[k], Want: want[k]})
		}
	}
	tags, err := queueTags(ctx, api, name, url)
	if err != nil {
		return nil, err
	}
	if err := checkOwner(q.kind(), name, o.cfg.Stack, tags); err != nil {
		return nil, err
	}
	wantTags := o.cfg.ResourceTags()
	st.tags = missingTags(tags, wantTags)
	st.diffs = append(st.diffs, tagDiffs(tags, wantTags)...)
	return st, nil
}

func (q *queueStep) observe(ctx context.Context, o *op) (Observation, error) {
	st, err := q.read(ctx, o)
	if err != nil {
		return Observation{}, err
	}
	if st.url == "" {
		return missing(q.kind() + " missing"), nil
	}
	return observed(o.target.queueARN(q.name(o)), st.diffs), nil
}

// ensure creates the queue with its attributes and tags, or converges an
// existing one with SetQueueAttributes and TagQueue: CreateQueue with other
// attributes than an existing queue's fails with QueueNameExists (Q1), so it
// is never used to converge. A name deleted less than 60 seconds ago is
// refused with QueueDeletedRecently (Q2); that is waited out, within
// Timeouts.QueueDeletedRecently, with a message that says why.
func (q *queueStep) ensure(ctx context.Context, o *op) (Outcome, string, error) {
	api, name, arn := o.clients.SQS, q.name(o), o.target.queueARN(q.name(o))
	st, err := q.read(ctx, o)
	if err != nil {
		return "", "", err
	}
	if st.url == "" {
		err := o.retry.do(ctx, o.Timeouts.QueueDeletedRecently, isQueueDeletedRecently, o.wait,
			"SQS to release the name "+name+" (a queue of that name was deleted less than 60 s ago)",
			func() error {
				_, err := api.CreateQueue(ctx, &sqs.CreateQueueInput{
					QueueName: &name, Attributes: q.wantAttributes(o), Tags: o.cfg.ResourceTags(),
				})
				return err
			})
		var exists *sqstypes.QueueNameExists
		switch {
		case errors.As(err, &exists):
			// Created meanwhile with other attributes: converge it below.
			if st, err = q.read(ctx, o); err != nil {
				return "", "", err
			}
		case err != nil:
			return "", "", fmt.Errorf("create %s %s: %w", q.kind(), name, err)
		default:
			return Created, arn, nil
		}
	}
	if len(st.set) == 0 && len(st.tags) == 0 {
		return Unchanged, arn, nil
	}
	if len(st.set) > 0 {
		if _, err := api.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: &st.url, Attributes: st.set}); err != nil {
			return "", "", fmt.Errorf("set attributes of %s %s: %w", q.kind(), name, err)
		}
	}
	if len(st.tags) > 0 {
		if _, err := api.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: &st.url, Tags: st.tags}); err != nil {
			return "", "", fmt.Errorf("tag %s %s: %w", q.kind(), name, err)
		}
	}
	return Updated, arn, nil
}

// delete deletes the queue when it carries this stack's tag. The name
// cannot be reused for 60 seconds afterwards (Q2); Up waits that out.
func (q *queueStep) delete(ctx context.Context, o *op) (Outcome, string, error) {
	api, name := o.clients.SQS, q.name(o)
	url, err := queueURL(ctx, api, name)
	if err != nil {
		return "", "", err
	}
	if url == "" {
		return Absent, "", nil
	}
	tags, err := queueTags(ctx, api, name, url)
	if err != nil {
		return "", "", err
	}
	if !owned(o.cfg.Stack, tags) {
		return Kept, notOwnedReason(q.kind(), o.cfg.Stack, tags), nil
	}
	if _, err := api.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: &url}); err != nil && !queueMissing(err) {
		return "", "", fmt.Errorf("delete %s %s: %w", q.kind(), name, err)
	}
	return Deleted, "", nil
}
