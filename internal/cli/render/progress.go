// Package render draws edasctl's human output: live progress of a
// provisioning run and the result tables.
package render

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/edasctl/edasctl/internal/iostreams"
	"github.com/edasctl/edasctl/internal/provision"
)

// A Progress renders a provisioning run's events on stderr. On a terminal
// (and not under CI) it keeps one live line listing what is in progress,
// redrawn in place, and prints a line per finished step above it; otherwise
// it prints one plain line per finished step and per wait.
// It is safe for concurrent use.
type Progress struct {
	mu     sync.Mutex // guards everything below
	w      io.Writer
	live   bool
	color  bool
	label  func(step string) string // "queue edas-thumbnail"
	active map[string]string        // step → what it does or waits for
	drawn  bool                     // a live line is on screen
}

// NewProgress returns a Progress for ios. label turns a step ID into the
// resource it handles, e.g. "queue edas-thumbnail".
func NewProgress(ios *iostreams.Streams, ci bool, label func(step string) string) *Progress {
	return &Progress{
		w:      ios.ErrOut,
		live:   ios.IsStderrTTY() && !ci,
		color:  ios.ColorEnabled(),
		label:  label,
		active: map[string]string{},
	}
}

var _ provision.Progress = (*Progress)(nil)

// Start records that step began.
func (p *Progress) Start(step, msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.active[step] = msg
	p.redraw()
}

// Wait prints what step waits for: a plain line always, since waits can be
// long and the reason matters (IAM propagation, a queue name recently deleted).
func (p *Progress) Wait(step, what string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.active[step] = "waiting for " + what
	p.println(fmt.Sprintf("%s waiting for %s", p.paint("…", "33"), what))
}

// Done prints the step's outcome.
func (p *Progress) Done(step string, o provision.Outcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.active, step)
	p.println(fmt.Sprintf("%s %-9s %s", p.mark(o), o, p.label(step)))
}

// Fail prints the step's error.
func (p *Progress) Fail(step string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.active, step)
	p.println(fmt.Sprintf("%s %-9s %s: %v", p.paint("✗", "31"), provision.Failed, p.label(step), firstLine(err)))
}

// Finish clears the live line; call it once the run is over.
func (p *Progress) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}

func (p *Progress) mark(o provision.Outcome) string {
	switch o {
	case provision.Created, provision.Updated, provision.Deleted:
		return p.paint("✓", "32")
	case provision.Kept, provision.Skipped:
		return p.paint("!", "33")
	default:
		return p.paint("·", "2")
	}
}

func (p *Progress) paint(s, code string) string {
	if !p.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// println prints a finished line above the live line.
func (p *Progress) println(line string) {
	p.clear()
	fmt.Fprintln(p.w, line)
	p.redraw()
}

func (p *Progress) clear() {
	if p.live && p.drawn {
		fmt.Fprint(p.w, "\r\x1b[2K")
		p.drawn = false
	}
}

func (p *Progress) redraw() {
	if !p.live {
		return
	}
	p.clear()
	if len(p.active) == 0 {
		return
	}
	steps := make([]string, 0, len(p.active))
	for s := range p.active {
		steps = append(steps, s)
	}
	sort.Strings(steps)
	line := fmt.Sprintf("%s %s", spinner(), p.active[steps[0]])
	if len(steps) > 1 {
		line += fmt.Sprintf(" (+%d more)", len(steps)-1)
	}
	fmt.Fprint(p.w, line)
	p.drawn = true
}

func spinner() string {
	frames := []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}
	return frames[time.Now().UnixMilli()/100%int64(len(frames))]
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
