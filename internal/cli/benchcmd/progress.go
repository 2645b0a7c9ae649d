package benchcmd

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/edasctl/edasctl/internal/iostreams"
)

// plainEvery is how often a non-terminal gets a progress line.
const plainEvery = 2 * time.Second

// A progress shows how far a run is on stderr: on a terminal (and not under
// CI) one line redrawn in place, otherwise a plain line every plainEvery
// and when the counts stop changing for good. Its methods are not safe for
// concurrent use; run serialises them.
type progress struct {
	w     io.Writer
	live  bool
	total int
	start time.Time
	drawn bool      // a live line is on screen
	last  [2]int    // counts of the last plain line
	next  time.Time // when the next plain line is due
}

func newProgress(ios *iostreams.Streams, ci bool, total int, start time.Time) *progress {
	return &progress{w: ios.ErrOut, live: ios.IsStderrTTY() && !ci, total: total, start: start, last: [2]int{-1, -1}}
}

// progressLine is the text of the progress line.
func progressLine(uploaded, processed, total int, elapsed time.Duration) string {
	return fmt.Sprintf("uploaded %d/%d  processed %d/%d  %s", uploaded, total, processed, total, elapsed.Round(100*time.Millisecond))
}

// update shows the counts at now: redraws the live line, or prints a plain
// line when one is due and the counts changed.
func (p *progress) update(uploaded, processed int, now time.Time) {
	line := progressLine(uploaded, processed, p.total, now.Sub(p.start))
	if p.live {
		fmt.Fprint(p.w, "\r\x1b[2K"+line)
		p.drawn = true
		return
	}
	if now.Before(p.next) || p.last == [2]int{uploaded, processed} {
		return
	}
	fmt.Fprintln(p.w, line)
	p.last, p.next = [2]int{uploaded, processed}, now.Add(plainEvery)
}

// finish shows the final counts: the live line is replaced by a plain one,
// and a plain line is printed if the last one was not already these counts.
func (p *progress) finish(uploaded, processed int, now time.Time) {
	line := progressLine(uploaded, processed, p.total, now.Sub(p.start))
	if p.live {
		if p.drawn {
			fmt.Fprint(p.w, "\r\x1b[2K")
		}
		fmt.Fprintln(p.w, line)
		return
	}
	if p.last != [2]int{uploaded, processed} {
		fmt.Fprintln(p.w, line)
	}
}

// run updates p from counts every interval in a goroutine until the
// returned stop is called, which prints the final line and returns once
// the goroutine is done.
func (p *progress) run(counts func() (uploaded, processed int), interval time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(max(interval, 100*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-done:
				u, n := counts()
				p.finish(u, n, time.Now())
				return
			case now := <-t.C:
				u, n := counts()
				p.update(u, n, now)
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
