package localaws

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/s3"
	"github.com/edasctl/edasctl/internal/localaws/sns"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// This file is the S3 side of the pipeline: the notification outbox written
// with each object, its dispatcher, and the checks S3 makes of destinations.

// onObjectEvent is S3's hook: inside the transaction that records an
// object's creation or removal, it writes one outbox entry per matching
// destination.
func (p *pipeline) onObjectEvent(tx *store.Tx, ev s3.ObjectEvent) error {
	// The configuration comes with the event: the hook runs inside the
	// store's transaction and must not lock the bucket.
	cfg := ev.Notification
	if cfg.Empty() {
		return nil
	}
	event := "s3:" + ev.EventName
	add := func(dest, arn, id string) error {
		n := s3Notification{Bucket: ev.Bucket, Destination: dest, ARN: arn, Message: s3EventMessage(ev, id, p.env.Account)}
		data, err := json.Marshal(n)
		if err != nil {
			return err
		}
		key := p.outboxKey()
		p.hidden.Lock()
		p.hidden.keys[objectID(ev)] = append(p.hidden.keys[objectID(ev)], key)
		p.hidden.Unlock()
		tx.OnCommit(func() {
			p.outbox.Lock()
			p.outbox.entries[key] = n
			p.outbox.Unlock()
		})
		return tx.Put(tableS3Outbox, key, data)
	}
	for _, t := range cfg.Topics {
		if s3.Matches(t.Events, t.Filter, event, ev.Key) {
			if err := add("sns", t.TopicArn, t.ID); err != nil {
				return err
			}
		}
	}
	for _, q := range cfg.Queues {
		if s3.Matches(q.Events, q.Filter, event, ev.Key) {
			if err := add("sqs", q.QueueArn, q.ID); err != nil {
				return err
			}
		}
	}
	for _, f := range cfg.Functions {
		if s3.Matches(f.Events, f.Filter, event, ev.Key) {
			if err := add("lambda", f.FunctionArn, f.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadOutbox reads the S3 outbox back from the store. An entry that does
// not decode is dropped (and logged): it names no destination to retry.
func (p *pipeline) loadOutbox() error {
	var corrupt []string
	err := p.env.Store.View(func(tx *store.Tx) error {
		return tx.Scan(tableS3Outbox, "", func(k string, v []byte) error {
			var n s3Notification
			if err := json.Unmarshal(v, &n); err != nil {
				p.env.Log.Error("s3 notifications: dropping a corrupt outbox entry", "key", k, "err", err)
				corrupt = append(corrupt, k)
				return nil
			}
			p.outbox.entries[k] = n
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("load the S3 notification outbox: %w", err)
	}
	if len(corrupt) > 0 {
		return p.env.Store.Update(func(tx *store.Tx) error {
			for _, k := range corrupt {
				if err := tx.Delete(tableS3Outbox, k); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return nil
}

// onObjectVisible is S3's hook once an event's change is readable (the
// object there, or gone): its notifications may go.
func (p *pipeline) onObjectVisible(ev s3.ObjectEvent) {
	p.hidden.Lock()
	_, had := p.hidden.keys[objectID(ev)]
	delete(p.hidden.keys, objectID(ev))
	p.hidden.Unlock()
	if had {
		p.wake()
	}
}

func objectID(ev s3.ObjectEvent) string { return ev.Bucket + "\x00" + ev.Sequencer }

// hiddenKeys returns the outbox keys whose objects are not yet readable.
func (p *pipeline) hiddenKeys() map[string]bool {
	p.hidden.Lock()
	defer p.hidden.Unlock()
	out := map[string]bool{}
	for _, keys := range p.hidden.keys {
		for _, k := range keys {
			out[k] = true
		}
	}
	return out
}

// outboxKey returns keys that sort in creation order and never collide.
func (p *pipeline) outboxKey() string {
	p.seq.Lock()
	p.seq.n++
	n := p.seq.n
	p.seq.Unlock()
	var r [4]byte
	rand.Read(r[:])
	return fmt.Sprintf("%016x%08x-%s", p.env.Clock.Now().UnixNano(), n, hex.EncodeToString(r[:]))
}

// dispatchS3 hands outbox entries to SNS (or SQS) in order, removing each
// once the destination has it durably. A destination that is gone, or whose
// policy no longer lets S3 in, drops the notification, as S3 does; other
// failures are retried after a pause.
func (p *pipeline) dispatchS3() {
	for {
		select {
		case <-p.ctx.Done():
			return
		case <-p.kick:
		}
		if err := p.drainS3(); err != nil && p.ctx.Err() == nil {
			p.env.Log.Warn("s3 notifications: delivery failed; retrying", "err", err)
			select {
			case <-p.ctx.Done():
				return
			case <-time.After(time.Second):
				p.wake()
			}
		}
	}
}

func (p *pipeline) drainS3() error {
	type entry struct {
		key string
		n   s3Notification
	}
	p.outbox.Lock()
	entries := make([]entry, 0, len(p.outbox.entries))
	for k, n := range p.outbox.entries {
		entries = append(entries, entry{k, n})
	}
	p.outbox.Unlock()
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	// Entries whose objects are not readable yet wait for OnObjectVisible.
	// The set is read after the snapshot: a key is hidden before its
	// transaction commits, so any key the snapshot has and whose object is
	// still not readable is in it now.
	hidden := p.hiddenKeys()
	entries = slices.DeleteFunc(entries, func(e entry) bool { return hidden[e.key] })
	// Delivered entries leave the outbox in memory at once and in the
	// store with the next transaction (store.Later): after a crash before
	// that, they are delivered again — at least once, never lost.
	const maxBatch = 256
	var done []string
	defer func() { p.forgetOutbox(done) }()
	for i := 0; i < len(entries); {
		e := entries[i]
		if e.n.Destination != "sns" {
			if err := p.deliverS3(e.n); err != nil {
				if !errors.Is(err, sns.ErrUndeliverable) {
					return err
				}
				p.env.Log.Warn("s3 notifications: dropping undeliverable notification", "bucket", e.n.Bucket, "destination", e.n.ARN, "err", err)
			}
			done = append(done, e.key)
			i++
			continue
		}
		// A run of notifications for one topic is published in one
		// transaction.
		var batch []sns.ServiceMessage
		var keys []string
		j := i
		for ; j < len(entries) && j-i < maxBatch && entries[j].n.Destination == "sns" && entries[j].n.ARN == e.n.ARN; j++ {
			n := entries[j].n
			if err := p.s3MayPublish(n.Bucket, n.ARN); err != nil {
				p.env.Log.Warn("s3 notifications: dropping undeliverable notification", "bucket", n.Bucket, "destination", n.ARN, "err", err)
				done = append(done, entries[j].key)
				continue
			}
			batch = append(batch, sns.ServiceMessage{Message: n.Message, Subject: s3NotificationSubject})
			keys = append(keys, entries[j].key)
		}
		if len(batch) > 0 {
			if _, err := p.sns.PublishBatchFromService(p.ctx, e.n.ARN, batch); err != nil {
				return err
			}
		}
		done = append(done, keys...)
		i = j
	}
	return nil
}

// forgetOutbox removes handed-on entries from the outbox: from memory now,
// from the store with the next transaction.
func (p *pipeline) forgetOutbox(keys []string) {
	if len(keys) == 0 {
		return
	}
	p.outbox.Lock()
	for _, k := range keys {
		delete(p.outbox.entries, k)
	}
	p.outbox.Unlock()
	p.env.Store.Later(func(tx *store.Tx) error {
		for _, k := range keys {
			if err := tx.Delete(tableS3Outbox, k); err != nil {
				return err
			}
		}
		return nil
	})
}

// deliverS3 hands a notification to a queue or function destination
// (topic destinations are published in runs by drainS3). A function gets
// the event as an asynchronous invocation, as S3 invokes it
// (https://docs.aws.amazon.com/lambda/latest/dg/with-s3.html), stored
// before the notification leaves the outbox.
func (p *pipeline) deliverS3(n s3Notification) error {
	switch n.Destination {
	case "sqs":
		if err := p.s3MaySend(n.Bucket, n.ARN); err != nil {
			return fmt.Errorf("%w: %v", sns.ErrUndeliverable, err)
		}
		return undeliverableIfRefused(p.sqs.SendFromService(p.ctx, n.ARN, n.Message, nil))
	case "lambda":
		if err := p.s3MayInvoke(n.Bucket, n.ARN); err != nil {
			return fmt.Errorf("%w: %v", sns.ErrUndeliverable, err)
		}
		return undeliverableIfRefused(p.lambda.InvokeAsyncFromService(n.ARN, []byte(n.Message)))
	}
	return fmt.Errorf("%w: unknown destination %q", sns.ErrUndeliverable, n.Destination)
}

// s3MayPublish checks that topicARN exists and that its policy lets
// s3.amazonaws.com publish for bucket in this account (AWS-RULES S5, S6).
func (p *pipeline) s3MayPublish(bucket, topicARN string) error {
	doc, ok := p.sns.TopicPolicy(topicARN)
	if !ok {
		return errors.New("the topic does not exist")
	}
	return p.serviceMay("s3.amazonaws.com", "sns:Publish", topicARN, "arn:aws:s3:::"+bucket, doc,
		"Permissions on the destination topic do not allow S3 to publish notifications from this bucket")
}

// s3MaySend checks that queueARN exists and its policy lets
// s3.amazonaws.com send for bucket.
func (p *pipeline) s3MaySend(bucket, queueARN string) error {
	doc, ok := p.sqs.QueuePolicy(queueARN)
	if !ok {
		return errors.New("the queue does not exist")
	}
	return p.serviceMay("s3.amazonaws.com", "sqs:SendMessage", queueARN, "arn:aws:s3:::"+bucket, doc,
		"Permissions on the destination queue do not allow S3 to publish notifications from this bucket")
}

// s3MayInvoke checks that functionARN names a function whose
// resource-based policy (AddPermission) lets s3.amazonaws.com invoke it for
// bucket in this account.
func (p *pipeline) s3MayInvoke(bucket, functionARN string) error {
	doc, arn, ok := p.lambda.Policy(functionARN)
	if !ok {
		return errors.New("the function does not exist")
	}
	return p.serviceMay("s3.amazonaws.com", "lambda:InvokeFunction", arn, "arn:aws:s3:::"+bucket, doc,
		"The function's resource-based policy does not allow S3 to invoke it for this bucket")
}

// validateNotification is S3's PutBucketNotificationConfiguration check:
// every destination must exist and let S3 in, else InvalidArgument
// "Unable to validate the following destination configurations" naming each
// failing destination (AWS-RULES S5). The s3:TestEvent follows once the
// configuration is stored (sendTestEvents).
func (p *pipeline) validateNotification(bucket, region string, cfg *s3.NotificationConfiguration) error {
	e := &awsproto.Error{Code: "InvalidArgument", Status: http.StatusBadRequest,
		Message: "Unable to validate the following destination configurations", Fields: map[string]string{}}
	n := 0
	fail := func(arn string, err error) {
		n++
		e.Fields["ArgumentName"+strconv.Itoa(n)] = arn
		e.Fields["ArgumentValue"+strconv.Itoa(n)] = err.Error()
	}
	for _, t := range cfg.Topics {
		if err := p.s3MayPublish(bucket, t.TopicArn); err != nil {
			fail(t.TopicArn, err)
		}
	}
	for _, q := range cfg.Queues {
		if err := p.s3MaySend(bucket, q.QueueArn); err != nil {
			fail(q.QueueArn, err)
		}
	}
	for _, f := range cfg.Functions {
		if err := p.s3MayInvoke(bucket, f.FunctionArn); err != nil {
			fail(f.FunctionArn, err)
		}
	}
	if n > 0 {
		return e
	}
	return nil
}

// sendTestEvents is S3's hook once a notification configuration is stored:
// each topic and queue gets an s3:TestEvent (AWS-RULES S7); functions get
// none, S3 only checks their permission ("it first verifies that any
// Amazon SNS or Amazon SQS destination exists … by sending a test
// notification. In the case of Lambda destinations, Amazon S3 verifies
// that the Lambda function permissions grant Amazon S3 permission to
// invoke the function", https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html).
// A failure is logged: the configuration stands, as on AWS.
func (p *pipeline) sendTestEvents(bucket string, cfg s3.NotificationConfiguration) {
	test := s3TestEvent(bucket, awsproto.NewRequestID(), p.env.Clock.Now())
	for _, t := range cfg.Topics {
		if _, err := p.sns.PublishFromService(p.ctx, t.TopicArn, test, s3NotificationSubject, nil); err != nil {
			p.env.Log.Warn("s3 notifications: test event not sent", "bucket", bucket, "destination", t.TopicArn, "err", err)
		}
	}
	for _, q := range cfg.Queues {
		if err := p.sqs.SendFromService(p.ctx, q.QueueArn, test, nil); err != nil {
			p.env.Log.Warn("s3 notifications: test event not sent", "bucket", bucket, "destination", q.QueueArn, "err", err)
		}
	}
}
