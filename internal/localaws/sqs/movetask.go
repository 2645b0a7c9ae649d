package sqs

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"sync"
	"time"
)

// Message move task statuses
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListMessageMoveTasksResultEntry.html).
const (
	taskRunning    = "RUNNING"
	taskCompleted  = "COMPLETED"
	taskCancelling = "CANCELLING"
	taskCancelled  = "CANCELLED"
	taskFailed     = "FAILED"
)

// moveChunk is how many messages a task moves per store transaction.
const moveChunk = 10

// A moveTask moves the visible messages of a dead-letter queue back to their
// source queues, or to one destination, in a goroutine of its own.
type moveTask struct {
	handle    string
	source    *queue
	sourceARN string
	destARN   string // "" = each message's source queue
	rate      int    // messages per second, 0 = as fast as possible
	started   time.Time
	stop      chan struct{} // closed by CancelMessageMoveTask
	done      chan struct{} // closed when the goroutine ends

	mu      sync.Mutex // guards the fields below
	status  string
	moved   int
	toMove  int
	failure string
}

// taskManager keeps the move tasks of the service, newest last per source.
type taskManager struct {
	mu       sync.Mutex // guards bySource and byHandle
	bySource map[string][]*moveTask
	byHandle map[string]*moveTask
	seq      int
}

func newTaskManager() *taskManager {
	return &taskManager{bySource: map[string][]*moveTask{}, byHandle: map[string]*moveTask{}}
}

type startMoveTaskInput struct {
	SourceArn                    string `json:"SourceArn"`
	DestinationArn               string `json:"DestinationArn"`
	MaxNumberOfMessagesPerSecond *int   `json:"MaxNumberOfMessagesPerSecond"`
}

type startMoveTaskOutput struct {
	TaskHandle string `json:"TaskHandle" xml:"TaskHandle"`
}

// startMessageMoveTask starts a DLQ redrive: the source must be the
// dead-letter queue of some queue, and only one task may run per source
// (AWS-RULES Q5).
func (s *Service) startMessageMoveTask(_ context.Context, _ *call, in *startMoveTaskInput) (*startMoveTaskOutput, error) {
	if in.SourceArn == "" {
		return nil, errMissingParameter("SourceArn")
	}
	src, err := s.queueByARN(in.SourceArn)
	if err != nil {
		return nil, errResourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.")
	}
	if !s.isDeadLetterQueue(src.arn) {
		return nil, errUnsupported("Source queue must be configured as a Dead Letter Queue.")
	}
	if in.DestinationArn != "" {
		if _, err := s.queueByARN(in.DestinationArn); err != nil {
			return nil, errResourceNotFound("The resource that you specified for the DestinationArn parameter doesn't exist.")
		}
	}
	rate := 0
	if in.MaxNumberOfMessagesPerSecond != nil {
		rate = *in.MaxNumberOfMessagesPerSecond
		if rate < 1 || rate > 500 {
			return nil, errInvalidParameter("Value %d for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.", rate)
		}
	}
	src.mu.Lock()
	src.advance(s.env.Clock.Now())
	toMove := src.ready.n
	src.mu.Unlock()

	tm := s.tasks
	tm.mu.Lock()
	defer tm.mu.Unlock()
	for _, t := range tm.bySource[src.arn] {
		if st := t.snapshot().Status; st == taskRunning || st == taskCancelling {
			return nil, errUnsupported("There is already a task running. Only one active task is allowed for a source queue arn at a given time.")
		}
	}
	tm.seq++
	handle, _ := json.Marshal(map[string]string{"taskId": strconv.Itoa(tm.seq), "sourceArn": src.arn})
	t := &moveTask{handle: base64.StdEncoding.EncodeToString(handle), source: src, sourceARN: src.arn,
		destARN: in.DestinationArn, rate: rate, started: s.env.Clock.Now(), stop: make(chan struct{}),
		done: make(chan struct{}), status: taskRunning, toMove: toMove}
	tm.bySource[src.arn] = append(tm.bySource[src.arn], t)
	tm.byHandle[t.handle] = t
	s.wg.Add(1)
	go s.runMoveTask(t)
	return &startMoveTaskOutput{TaskHandle: t.handle}, nil
}

// isDeadLetterQueue reports whether some queue's RedrivePolicy targets arn.
func (s *Service) isDeadLetterQueue(arn string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, q := range s.queues {
		if p := q.redrive.Load(); p != nil && p.DeadLetterTargetArn == arn && !q.gone.Load() {
			return true
		}
	}
	return false
}

// runMoveTask moves chunks of messages until ToMove messages have moved,
// the source has no visible message left, the task is cancelled or the
// service closes. With a rate, it waits a second on the service clock after
// each rate messages.
func (s *Service) runMoveTask(t *moveTask) {
	defer s.wg.Done()
	defer close(t.done)
	final := taskCompleted
	defer func() { t.finish(final) }()
	inSecond := 0
	for {
		select {
		case <-t.stop:
			final = taskCancelled
			return
		case <-s.ctx.Done():
			final = taskCancelled
			return
		default:
		}
		t.mu.Lock()
		left := t.toMove - t.moved
		t.mu.Unlock()
		if left <= 0 {
			return
		}
		n := min(moveChunk, left)
		if t.rate > 0 {
			n = min(n, t.rate-inSecond)
		}
		moved, reason := s.moveChunk(t, n)
		s.maybeCompact()
		if reason != "" {
			final = taskFailed
			t.mu.Lock()
			t.failure = reason
			t.mu.Unlock()
			return
		}
		if moved == 0 {
			return
		}
		t.mu.Lock()
		t.moved += moved
		finished := t.moved >= t.toMove
		t.mu.Unlock()
		inSecond += moved
		if !finished && t.rate > 0 && inSecond >= t.rate {
			inSecond = 0
			select {
			case <-s.env.Clock.After(time.Second):
			case <-t.stop:
			case <-s.ctx.Done():
			}
		}
	}
}

// moveChunk moves up to n visible messages of the task's source in one
// store transaction; reason is a FailureReason when the task cannot go on.
func (s *Service) moveChunk(t *moveTask, n int) (moved int, reason string) {
	src := t.source
	s.gate.RLock()
	defer s.gate.RUnlock()
	src.mu.Lock()
	if src.deleted {
		src.mu.Unlock()
		return 0, "AWS.SimpleQueueService.NonExistentQueue"
	}
	now := s.env.Clock.Now()
	src.advance(now)
	byDest := map[*queue][]move{}
	var all []move
	for m := src.ready.head; m != nil && len(all) < n; m = m.next {
		destARN := t.destARN
		if destARN == "" {
			destARN = m.dlqSource
		}
		dest, err := s.queueByARN(destARN)
		if err != nil || dest == src {
			src.mu.Unlock()
			return 0, "AWS.SimpleQueueService.NonExistentQueue"
		}
		to := &message{seq: s.nextSeq.Add(1), id: m.id, body: m.body, md5Body: m.md5Body, attrs: m.attrs,
			sentAt: m.sentAt, senderID: m.senderID, visibleAt: now, pendingIdx: -1, ageIdx: -1}
		mv := move{from: m, to: to}
		byDest[dest] = append(byDest[dest], mv)
		all = append(all, mv)
	}
	if len(all) == 0 {
		src.mu.Unlock()
		return 0, ""
	}
	e := &logEntry{}
	for dest, moves := range byDest {
		for _, mv := range moves {
			e.del(src.id, mv.from.seq)
			e.send(dest.id, mv.to)
		}
	}
	if _, err := s.commit(e, nil); err != nil {
		src.mu.Unlock()
		s.env.Log.Error("sqs: move messages", "queue", src.name, "err", err)
		return 0, "AWS.SimpleQueueService.InternalError"
	}
	for _, mv := range all {
		src.remove(mv.from)
	}
	src.mu.Unlock()
	for dest, moves := range byDest {
		s.deliverMoved(dest, moves)
	}
	return len(all), ""
}

func (t *moveTask) finish(status string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.status = status
}

type moveTaskEntry struct {
	TaskHandle                        string `json:"TaskHandle,omitempty" xml:"TaskHandle,omitempty"`
	Status                            string `json:"Status" xml:"Status"`
	SourceArn                         string `json:"SourceArn" xml:"SourceArn"`
	DestinationArn                    string `json:"DestinationArn,omitempty" xml:"DestinationArn,omitempty"`
	MaxNumberOfMessagesPerSecond      *int   `json:"MaxNumberOfMessagesPerSecond,omitempty" xml:"MaxNumberOfMessagesPerSecond,omitempty"`
	ApproximateNumberOfMessagesMoved  int64  `json:"ApproximateNumberOfMessagesMoved" xml:"ApproximateNumberOfMessagesMoved"`
	ApproximateNumberOfMessagesToMove *int64 `json:"ApproximateNumberOfMessagesToMove,omitempty" xml:"ApproximateNumberOfMessagesToMove,omitempty"`
	FailureReason                     string `json:"FailureReason,omitempty" xml:"FailureReason,omitempty"`
	StartedTimestamp                  int64  `json:"StartedTimestamp" xml:"StartedTimestamp"`
}

func (t *moveTask) snapshot() moveTaskEntry {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := moveTaskEntry{Status: t.status, SourceArn: t.sourceARN, DestinationArn: t.destARN,
		ApproximateNumberOfMessagesMoved: int64(t.moved), FailureReason: t.failure, StartedTimestamp: t.started.UnixMilli()}
	toMove := int64(t.toMove)
	e.ApproximateNumberOfMessagesToMove = &toMove
	if t.rate > 0 {
		r := t.rate
		e.MaxNumberOfMessagesPerSecond = &r
	}
	if t.status == taskRunning {
		e.TaskHandle = t.handle
	}
	return e
}

type listMoveTasksInput struct {
	SourceArn  string `json:"SourceArn"`
	MaxResults *int   `json:"MaxResults"`
}

type listMoveTasksOutput struct {
	Results []moveTaskEntry `json:"Results"`
}

// listMessageMoveTasks lists a source's most recent tasks, newest first: 1
// by default, at most 10.
func (s *Service) listMessageMoveTasks(_ context.Context, _ *call, in *listMoveTasksInput) (*listMoveTasksOutput, error) {
	if in.SourceArn == "" {
		return nil, errMissingParameter("SourceArn")
	}
	if _, err := s.queueByARN(in.SourceArn); err != nil {
		return nil, errResourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.")
	}
	limit := 1
	if in.MaxResults != nil {
		limit = *in.MaxResults
		if limit < 1 || limit > 10 {
			return nil, errInvalidParameter("Value %d for parameter MaxResults is invalid. Reason: Must be between 1 and 10.", limit)
		}
	}
	s.tasks.mu.Lock()
	tasks := append([]*moveTask(nil), s.tasks.bySource[in.SourceArn]...)
	s.tasks.mu.Unlock()
	out := &listMoveTasksOutput{Results: []moveTaskEntry{}}
	for i := len(tasks) - 1; i >= 0 && len(out.Results) < limit; i-- {
		out.Results = append(out.Results, tasks[i].snapshot())
	}
	return out, nil
}

type cancelMoveTaskInput struct {
	TaskHandle string `json:"TaskHandle"`
}

type cancelMoveTaskOutput struct {
	ApproximateNumberOfMessagesMoved int64 `json:"ApproximateNumberOfMessagesMoved" xml:"ApproximateNumberOfMessagesMoved"`
}

// cancelMessageMoveTask stops a running task; the messages it moved stay
// moved.
func (s *Service) cancelMessageMoveTask(_ context.Context, _ *call, in *cancelMoveTaskInput) (*cancelMoveTaskOutput, error) {
	if in.TaskHandle == "" {
		return nil, errMissingParameter("TaskHandle")
	}
	s.tasks.mu.Lock()
	t := s.tasks.byHandle[in.TaskHandle]
	s.tasks.mu.Unlock()
	if t == nil {
		return nil, errResourceNotFound("Task does not exist.")
	}
	t.mu.Lock()
	if t.status != taskRunning {
		t.mu.Unlock()
		return nil, errUnsupported("Only active tasks can be cancelled.")
	}
	t.status = taskCancelling
	moved := t.moved
	t.mu.Unlock()
	close(t.stop)
	return &cancelMoveTaskOutput{ApproximateNumberOfMessagesMoved: int64(moved)}, nil
}
