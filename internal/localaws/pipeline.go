package localaws

import (
	"context"
	"sync"

	"github.com/edasctl/edasctl/internal/localaws/lambda"
	"github.com/edasctl/edasctl/internal/localaws/policy"
	"github.com/edasctl/edasctl/internal/localaws/s3"
	"github.com/edasctl/edasctl/internal/localaws/service"
	"github.com/edasctl/edasctl/internal/localaws/sns"
	"github.com/edasctl/edasctl/internal/localaws/sqs"
)

// The pipeline wires the services together the way AWS does:
//
//	S3 ──(notification outbox, same transaction as the object)──► SNS topic or SQS queue
//	SNS ──(delivered at publish, checked against the queue policy; outbox for what failed)──► SQS
//
// Every hand-off is durable before the request that caused it is
// acknowledged, and is retried until delivered or found undeliverable, so an
// acknowledged upload is never silently lost (DESIGN.md, "The local AWS").
// An outbox entry leaves the store with the next transaction after it was
// handed on (store.Later): a crash in between hands it on again, at least
// once, as AWS delivers.

// tableS3Outbox holds S3 notifications not yet handed to their destination.
const tableS3Outbox = "pipeline.s3outbox"

// s3Notification is one S3 notification on its way to a destination.
type s3Notification struct {
	Bucket      string `json:"bucket"`
	Destination string `json:"destination"` // "sns" or "sqs"
	ARN         string `json:"arn"`
	Message     string `json:"message"`
}

// S3's subject on SNS notifications.
const s3NotificationSubject = "Amazon S3 Notification"

type pipeline struct {
	env service.Env
	s3  *s3.Service
	sns *sns.Service
	sqs *sqs.Service
	// lambda is set once the functions exist, before start.
	lambda *lambda.Service

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	kick   chan struct{} // wakes the S3 dispatcher; buffered, coalescing
	seq    struct {
		sync.Mutex
		n uint64
	}

	// hidden holds the outbox keys of notifications whose objects are
	// durable but not yet readable, by object (bucket and sequencer): the
	// dispatcher must not deliver them before S3's read-after-write
	// guarantee holds. An entry of a transaction that rolled back stays
	// here harmlessly (its key never appears in the outbox).
	hidden struct {
		sync.Mutex
		keys map[string][]string
	}

	// outbox mirrors tableS3Outbox: entries are added once their
	// transaction committed and removed once handed on (their deletion in
	// the store rides along with a later transaction, store.Later), so
	// the dispatcher reads memory, not the database.
	outbox struct {
		sync.Mutex
		entries map[string]s3Notification
	}

	policies policyCache
}

func newPipeline(env service.Env) *pipeline {
	ctx, cancel := context.WithCancel(context.Background())
	p := &pipeline{env: env, ctx: ctx, cancel: cancel, kick: make(chan struct{}, 1)}
	p.hidden.keys = map[string][]string{}
	p.outbox.entries = map[string]s3Notification{}
	p.policies.docs = map[string]*policy.Document{}
	return p
}

// start loads the S3 outbox and runs the dispatchers; call it once every
// service is built.
func (p *pipeline) start() error {
	if err := p.loadOutbox(); err != nil {
		return err
	}
	p.wg.Add(2)
	go func() { defer p.wg.Done(); p.dispatchS3() }()
	go func() { defer p.wg.Done(); p.dispatchSNS() }()
	p.wake()
	return nil
}

// stop ends the dispatchers; undelivered entries stay in the outboxes.
func (p *pipeline) stop() {
	p.cancel()
	p.wg.Wait()
}

func (p *pipeline) wake() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}
