package esm

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// maxWait is SQS's longest long poll.
const maxWait = 20 * time.Second

// startLocked starts m's pollers when it is enabled, as many as scaling
// starts with (see scaling.go). s.mu must be held.
func (s *Service) startLocked(m *mapping) {
	if !m.Enabled || m.Deleting {
		return
	}
	ctx, cancel := context.WithCancel(s.ctx)
	s.pollers[m.UUID] = cancel
	limit := m.MaximumConcurrency
	if limit == 0 {
		limit = s.opts.DefaultPollers
	}
	snapshot := *m
	running := s.running[m.UUID]
	if running == nil {
		running = &sync.WaitGroup{}
		s.running[m.UUID] = running
	}
	sc := &scaler{start: min(initialPollers, limit), limit: limit}
	s.scalers[m.UUID] = sc
	start := func() {
		// A poller added by scaling waits only for what is left of the
		// mapping's Creating state, not for all of it again.
		delay := snapshot.Created.Add(s.opts.CreatingDelay).Sub(s.env.Clock.Now())
		s.wg.Add(1)
		running.Add(1)
		go func() {
			defer s.wg.Done()
			defer running.Done()
			if delay > 0 {
				select {
				case <-ctx.Done():
					return
				case <-s.env.Clock.After(delay):
				}
			}
			s.poll(ctx, &snapshot, sc)
		}()
	}
	// The scaler's goroutine counts in wg and running while it may call
	// spawn, so those counters are never zero when spawn adds to them.
	sc.spawn = func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if ctx.Err() == nil {
			start()
		}
	}
	sc.active = sc.start
	for range sc.start {
		start()
	}
	if sc.limit > sc.start {
		s.wg.Add(1)
		running.Add(1)
		go func() {
			defer s.wg.Done()
			defer running.Done()
			sc.run(ctx, s.env.Clock.After, s.opts.ScaleUpInterval)
		}()
	}
}

// stopLocked stops m's pollers from receiving more; an invocation in
// flight finishes on its own.
// s.mu must be held.
func (s *Service) stopLocked(uuid string) {
	if cancel, ok := s.pollers[uuid]; ok {
		cancel()
		delete(s.pollers, uuid)
		delete(s.scalers, uuid)
	}
}

// poll is one poller: receive a batch, invoke, delete what succeeded, until
// ctx ends or sc retires it after a long poll that found nothing. Errors
// are recorded as the mapping's LastProcessingResult and retried after a
// pause, as Lambda keeps polling.
func (s *Service) poll(ctx context.Context, m *mapping, sc *scaler) {
	for ctx.Err() == nil {
		batch, full, err := s.collect(ctx, m)
		if err != nil {
			s.env.Log.Warn("event source mapping: receive failed", "uuid", m.UUID, "queue", m.EventSourceARN, "err", err)
			s.record(m.UUID, "PROBLEM: "+err.Error())
			select {
			case <-ctx.Done():
			case <-s.env.Clock.After(time.Second):
			}
			continue
		}
		sc.observe(full)
		if len(batch) == 0 {
			if ctx.Err() == nil && sc.retire() {
				return
			}
			continue
		}
		s.process(ctx, m, batch)
	}
}

// collect receives up to BatchSize messages: one long poll without a
// batching window; with one, receives until the batch is full or the
// window has passed since the first message (L5). It returns an empty
// batch after a long poll that found nothing; full is whether its last
// receive returned as many messages as it asked for (messages are still
// available).
func (s *Service) collect(ctx context.Context, m *mapping) (batch []Message, full bool, err error) {
	window := time.Duration(m.BatchingWindowSeconds) * time.Second
	var deadline time.Time
	for len(batch) < m.BatchSize {
		wait := maxWait
		if len(batch) > 0 {
			wait = deadline.Sub(s.env.Clock.Now())
			if wait <= 0 {
				break
			}
		}
		want := min(10, m.BatchSize-len(batch))
		msgs, err := s.q.Receive(ctx, m.EventSourceARN, want, wait)
		if err != nil {
			return batch, false, err
		}
		full = len(msgs) == want
		if len(msgs) == 0 {
			break
		}
		if len(batch) == 0 {
			deadline = s.env.Clock.Now().Add(window)
		}
		batch = append(batch, msgs...)
		if window == 0 {
			break
		}
	}
	return batch, full, nil
}

// process deletes the messages the mapping's filters drop (filter.go),
// invokes the function with the others and deletes the messages that
// succeeded: all of them on success, none on a function error, all but the
// listed ones with ReportBatchItemFailures (L6). An invocation error leaves
// the batch to reappear after the visibility timeout (L7).
func (s *Service) process(ctx context.Context, m *mapping, batch []Message) {
	batch, dropped := split(m.filters, batch)
	if len(dropped) > 0 {
		handles := make([]string, len(dropped))
		for i, msg := range dropped {
			handles[i] = msg.ReceiptHandle
		}
		if err := s.q.DeleteBatch(m.EventSourceARN, handles); err != nil {
			s.env.Log.Warn("event source mapping: delete of filtered messages failed", "uuid", m.UUID, "messages", len(handles), "err", err)
		}
	}
	if len(batch) == 0 {
		s.record(m.UUID, "OK")
		return
	}
	payload, err := json.Marshal(s.event(m, batch))
	if err != nil {
		s.record(m.UUID, "PROBLEM: "+err.Error())
		return
	}
	// A batch in flight finishes even when the mapping is updated or
	// deleted meanwhile (its pollers' ctx is cancelled); Close stops the
	// functions themselves.
	result, fnErr, err := s.fns.InvokeSync(context.WithoutCancel(ctx), m.FunctionName, payload)
	switch {
	case err != nil:
		s.record(m.UUID, "PROBLEM: Function call failed")
		s.env.Log.Warn("event source mapping: invoke failed", "uuid", m.UUID, "function", m.FunctionName, "err", err)
		return
	case fnErr != "":
		s.record(m.UUID, "PROBLEM: Function call failed")
		return
	}
	keep := map[string]bool{}
	if m.reportsItemFailures() {
		failed, ok := itemFailures(result, batch)
		if !ok {
			s.record(m.UUID, "PROBLEM: Function response is not a valid batch item failure response")
			return
		}
		keep = failed
	}
	// One DeleteMessageBatch for the batch, as Lambda deletes
	// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html):
	// one write instead of one per message.
	handles := make([]string, 0, len(batch))
	for _, msg := range batch {
		if !keep[msg.MessageID] {
			handles = append(handles, msg.ReceiptHandle)
		}
	}
	if len(handles) > 0 {
		if err := s.q.DeleteBatch(m.EventSourceARN, handles); err != nil {
			s.env.Log.Warn("event source mapping: delete failed", "uuid", m.UUID, "messages", len(handles), "err", err)
		}
	}
	s.record(m.UUID, "OK")
}

// itemFailures parses a partial batch response. ok is false when the
// response lists an identifier that is empty or not in the batch, which
// Lambda treats as a failure of the whole batch
// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).
// An empty or null response means every message succeeded.
func itemFailures(result []byte, batch []Message) (failed map[string]bool, ok bool) {
	failed = map[string]bool{}
	if len(result) == 0 || string(result) == "null" {
		return failed, true
	}
	var resp events.SQSEventResponse
	if err := json.Unmarshal(result, &resp); err != nil {
		return failed, true // not a partial batch response: every message succeeded
	}
	ids := map[string]bool{}
	for _, msg := range batch {
		ids[msg.MessageID] = true
	}
	for _, f := range resp.BatchItemFailures {
		if f.ItemIdentifier == "" || !ids[f.ItemIdentifier] {
			return nil, false
		}
		failed[f.ItemIdentifier] = true
	}
	return failed, true
}

// record stores the mapping's LastProcessingResult (in memory: it is a
// status, not state worth a write per batch).
func (s *Service) record(uuid, result string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.mappings[uuid]; ok {
		m.LastProcessingResult = result
	}
}

// String describes a mapping for logs.
func (m *mapping) String() string {
	return fmt.Sprintf("%s (%s → %s)", m.UUID, m.EventSourceARN, m.FunctionName)
}

// event builds the SQS event Lambda delivers for batch
// (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html); nil message
// attributes become {}, as Lambda sends them.
func (s *Service) event(m *mapping, batch []Message) events.SQSEvent {
	region := regionOf(m.EventSourceARN, s.env.Region)
	ev := events.SQSEvent{Records: make([]events.SQSMessage, len(batch))}
	for i, msg := range batch {
		attrs := msg.MessageAttributes
		if attrs == nil {
			attrs = map[string]events.SQSMessageAttribute{}
		}
		ev.Records[i] = events.SQSMessage{
			MessageId: msg.MessageID, ReceiptHandle: msg.ReceiptHandle, Body: msg.Body,
			Md5OfBody: msg.MD5OfBody, Md5OfMessageAttributes: msg.MD5OfMessageAttributes,
			Attributes: msg.Attributes, MessageAttributes: attrs,
			EventSourceARN: m.EventSourceARN, EventSource: "aws:sqs", AWSRegion: region,
		}
	}
	return ev
}
