package provision

import "sync"

// Progress receives a run's events as they happen; the CLI renders them (a
// spinner on a terminal, plain lines otherwise) and tests record them.
// Step is a Step's ID. A Plan calls one Progress from one goroutine at a
// time, so implementations need no locking of their own.
type Progress interface {
	// Start reports that step begins; msg says what it does ("creating queue
	// edas-thumbnail").
	Start(step, msg string)
	// Wait reports that step waits, and for what ("function edas-thumbnail
	// to become Active").
	Wait(step, what string)
	// Done reports the step's outcome.
	Done(step string, outcome Outcome)
	// Fail reports the step's error.
	Fail(step string, err error)
}

// NoProgress discards every event.
type NoProgress struct{}

// Start does nothing.
func (NoProgress) Start(string, string) {}

// Wait does nothing.
func (NoProgress) Wait(string, string) {}

// Done does nothing.
func (NoProgress) Done(string, Outcome) {}

// Fail does nothing.
func (NoProgress) Fail(string, error) {}

// lockedProgress serialises calls to a Progress shared by parallel steps.
type lockedProgress struct {
	mu sync.Mutex // guards calls to p
	p  Progress
}

func (l *lockedProgress) Start(step, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.p.Start(step, msg)
}

func (l *lockedProgress) Wait(step, what string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.p.Wait(step, what)
}

func (l *lockedProgress) Done(step string, o Outcome) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.p.Done(step, o)
}

func (l *lockedProgress) Fail(step string, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.p.Fail(step, err)
}

// waiter is what a step uses to announce a wait: Wait bound to its step.
type waiter func(what string)
