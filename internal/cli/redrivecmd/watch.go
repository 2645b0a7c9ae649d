package redrivecmd

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/edasctl/edasctl/internal/iostreams"
)

// watch polls the latest task of every running result each interval until
// none runs, updating results in place and showing progress on stderr.
// When ctx ends first it returns ctx's error: the tasks go on in SQS.
func watch(ctx context.Context, api sqsAPI, opts *Options, targets []target, results []Result, interval time.Duration) error {
	prog := newProgress(opts.IO, opts.CI)
	defer prog.finish()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			prog.finish()
			fmt.Fprintln(opts.IO.ErrOut, "stopped watching: the move goes on in SQS; run 'edasctl redrive' again to see its progress")
			return ctx.Err()
		case <-timer.C:
		}
		running := false
		for i := range results {
			if results[i].Status != StatusRunning {
				continue
			}
			task, err := latestTask(ctx, api, targets[i].dlq.ARN)
			if err != nil {
				return err
			}
			if task != nil {
				results[i].apply(task)
			}
			running = running || results[i].Status == StatusRunning
		}
		prog.update(results, time.Now())
		if !running {
			return nil
		}
		timer.Reset(interval)
	}
}

// progressLine is the text of the progress line: each move that was
// started, "edas-catalog-dlq → edas-catalog 3/10 running", joined by "; ".
// It is "" when no move was started.
func progressLine(results []Result) string {
	var parts []string
	for _, r := range results {
		switch r.Status {
		case StatusRunning, StatusCompleted, StatusFailed, StatusCancelled:
			parts = append(parts, fmt.Sprintf("%s → %s %d/%d %s", r.DLQ, r.Queue, r.Moved, r.ToMove, r.Status))
		}
	}
	return strings.Join(parts, "; ")
}

// plainEvery is how often a non-terminal gets a progress line.
const plainEvery = 2 * time.Second

// A progress shows the moves on stderr: on a terminal (and not under CI)
// one line redrawn in place, otherwise a line when it changed, at most
// every plainEvery, and the last one. It is not safe for concurrent use.
type progress struct {
	w     io.Writer
	live  bool
	drawn bool      // a live line is on screen
	last  string    // the last line printed (plain) or drawn (live)
	shown string    // the last plain line actually printed
	next  time.Time // when the next plain line is due
}

func newProgress(ios *iostreams.Streams, ci bool) *progress {
	return &progress{w: ios.ErrOut, live: ios.IsStderrTTY() && !ci}
}

// update shows results as of now.
func (p *progress) update(results []Result, now time.Time) {
	line := progressLine(results)
	if line == "" {
		return
	}
	p.last = line
	if p.live {
		fmt.Fprint(p.w, "\r\x1b[2K"+line)
		p.drawn = true
		return
	}
	if line == p.shown || now.Before(p.next) {
		return
	}
	fmt.Fprintln(p.w, line)
	p.shown, p.next = line, now.Add(plainEvery)
}

// finish leaves the last line on screen as a plain line; calling it again
// does nothing.
func (p *progress) finish() {
	switch {
	case p.live && p.drawn:
		fmt.Fprint(p.w, "\r\x1b[2K"+p.last+"\n")
		p.drawn = false
	case !p.live && p.last != "" && p.last != p.shown:
		fmt.Fprintln(p.w, p.last)
		p.shown = p.last
	}
}
