package localaws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/sns"
	"github.com/edasctl/edasctl/internal/localaws/sqs"
)

// This file is the SNS side of the pipeline: delivery to SQS subscriptions,
// gated by the queue policy, and the retrying dispatcher. Lambda
// subscriptions are delivered by sns_lambda.go.

// deliverSNS is SNS's delivery hook: an sqs subscription gets the message
// only if the queue's policy lets sns.amazonaws.com send with the topic as
// aws:SourceArn (AWS-RULES N3); otherwise, or when the queue is gone, the
// message is dropped and the drop logged, as AWS does. With raw delivery
// the published attributes become the SQS message's attributes.
func (p *pipeline) deliverSNS(ctx context.Context, d sns.Delivery) error {
	return p.deliverSNSBatch(ctx, []sns.Delivery{d})[0]
}

// deliverSNSBatch is deliverSNS for the deliveries of one publish (or a
// batch of S3 notifications): each queue takes its share in one write,
// the queues in parallel so that their writes share a group commit.
func (p *pipeline) deliverSNSBatch(ctx context.Context, ds []sns.Delivery) []error {
	errs := make([]error, len(ds))
	type share struct {
		idx  []int
		msgs []sqs.OutMessage
	}
	shares := map[string]*share{}
	var queues []string
	for i, d := range ds {
		if d.Protocol == "lambda" {
			errs[i] = p.snsToLambda(d)
			continue
		}
		m, err := p.snsToSQS(d)
		if err != nil {
			errs[i] = err
			continue
		}
		sh := shares[d.Endpoint]
		if sh == nil {
			sh = &share{}
			shares[d.Endpoint] = sh
			queues = append(queues, d.Endpoint)
		}
		sh.idx = append(sh.idx, i)
		sh.msgs = append(sh.msgs, m)
	}
	send := func(queue string) {
		sh := shares[queue]
		perMsg, err := p.sqs.SendBatchFromService(ctx, queue, sh.msgs)
		for j, i := range sh.idx {
			if err != nil {
				errs[i] = undeliverableIfRefused(err)
			} else {
				errs[i] = undeliverableIfRefused(perMsg[j])
			}
		}
	}
	if len(queues) == 1 {
		send(queues[0])
	} else {
		var wg sync.WaitGroup
		for _, q := range queues {
			wg.Go(func() { send(q) })
		}
		wg.Wait()
	}
	return p.redriveUndeliverable(ctx, ds, errs)
}

// redriveUndeliverable sends each delivery that its endpoint refused (a
// client-side error: the queue or function is gone, its policy refuses the
// topic, the message is too large) to its subscription's dead-letter queue, if the
// subscription's RedrivePolicy names one: "When Amazon SNS receives a
// client-side error … Amazon SNS discards the message—unless a dead-letter
// queue is attached to the subscription"
// (https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html).
// The dead-letter queue gets what the subscription would have (the
// envelope, or the raw message and its attributes) and, as a subscribed
// queue, must let the topic send. errs is updated in place: nil once the
// dead-letter queue has the message.
func (p *pipeline) redriveUndeliverable(ctx context.Context, ds []sns.Delivery, errs []error) []error {
	for i, d := range ds {
		if !errors.Is(errs[i], sns.ErrUndeliverable) || d.RedrivePolicy == "" {
			continue
		}
		var rp struct {
			DeadLetterTargetArn string `json:"deadLetterTargetArn"`
		}
		if json.Unmarshal([]byte(d.RedrivePolicy), &rp) != nil || rp.DeadLetterTargetArn == "" {
			continue
		}
		dd := d
		dd.Protocol, dd.Endpoint = "sqs", rp.DeadLetterTargetArn
		m, err := p.snsToSQS(dd)
		if err == nil {
			err = p.sqs.SendFromService(ctx, dd.Endpoint, m.Body, m.Attributes)
		}
		if err != nil {
			errs[i] = fmt.Errorf("%w; its dead-letter queue %s did not take it either: %v", errs[i], dd.Endpoint, err)
			continue
		}
		errs[i] = nil
	}
	return errs
}

// snsToSQS checks that d may be delivered to its queue and returns the SQS
// message: an error wrapping sns.ErrUndeliverable when the protocol is not
// sqs, the queue is gone, or its policy refuses the topic.
func (p *pipeline) snsToSQS(d sns.Delivery) (sqs.OutMessage, error) {
	if d.Protocol != "sqs" {
		return sqs.OutMessage{}, fmt.Errorf("%w: protocol %s is not delivered by the local AWS", sns.ErrUndeliverable, d.Protocol)
	}
	doc, ok := p.sqs.QueuePolicy(d.Endpoint)
	if !ok {
		return sqs.OutMessage{}, fmt.Errorf("%w: queue %s does not exist", sns.ErrUndeliverable, d.Endpoint)
	}
	if err := p.serviceMay("sns.amazonaws.com", "sqs:SendMessage", d.Endpoint, d.TopicARN, doc,
		"the queue policy does not let the topic send"); err != nil {
		return sqs.OutMessage{}, fmt.Errorf("%w: %v", sns.ErrUndeliverable, err)
	}
	var attrs map[string]sqs.MessageAttribute
	if d.Raw && len(d.MessageAttributes) > 0 {
		attrs = make(map[string]sqs.MessageAttribute, len(d.MessageAttributes))
		for k, a := range d.MessageAttributes {
			attrs[k] = sqs.MessageAttribute{DataType: a.DataType, StringValue: a.StringValue, BinaryValue: a.BinaryValue}
		}
	}
	return sqs.OutMessage{Body: d.Body, Attributes: attrs}, nil
}

// undeliverableIfRefused marks a refusal by the destination (a 4xx such as
// a message over the queue's MaximumMessageSize) as undeliverable: retrying
// cannot help, and a retried entry would hold up every later one. Server
// and store failures stay retryable.
func undeliverableIfRefused(err error) error {
	var apiErr *awsproto.Error
	if errors.As(err, &apiErr) && apiErr.HTTPStatus() < 500 {
		return fmt.Errorf("%w: %v", sns.ErrUndeliverable, err)
	}
	return err
}

// dispatchSNS retries SNS deliveries that failed transiently, with a
// growing pause, and delivers what a restart found in the outbox.
func (p *pipeline) dispatchSNS() {
	for {
		select {
		case <-p.ctx.Done():
			return
		case <-p.sns.OutboxReady():
		}
		for pause := 100 * time.Millisecond; ; pause = min(2*pause, 30*time.Second) {
			_, err := p.sns.DrainOutbox(p.ctx, p.deliverSNS)
			if err == nil || p.ctx.Err() != nil {
				break
			}
			p.env.Log.Warn("sns: delivery failed; retrying", "err", err, "in", pause)
			select {
			case <-p.ctx.Done():
				return
			case <-time.After(pause):
			}
		}
	}
}
