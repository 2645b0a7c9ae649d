package uploadcmd

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/edasctl/edasctl/internal/iostreams"
)

// Layout of the live block.
const (
	nameWidth    = 22                     // columns of a file's name
	barWidth     = 14                     // cells of a bar
	defaultWidth = 80                     // columns when the terminal does not say
	maxBars      = 6                      // file bars shown; the rest are counted
	redrawEvery  = 100 * time.Millisecond // least time between redraws on progress
	tickInterval = 200 * time.Millisecond // how often run refreshes rates and ETAs
)

// A display shows an upload run. Each finished file becomes one line on
// Out: text, or a JSON object with -o json. On a terminal (stderr a TTY, CI
// unset) it also keeps a live block on stderr, redrawn in place: a bar per
// file in flight (bytes, rate, ETA, or what --wait waits for) and one for
// the total; finished lines are printed above it. Otherwise stderr gets
// nothing but the failures. A display is safe for concurrent use.
type display struct {
	mu    sync.Mutex // guards everything below, and the writes
	out   io.Writer
	err   io.Writer
	live  bool
	json  bool
	color bool
	width int // columns of the terminal; longer lines are cut, never wrapped
	now   func() time.Time

	start      time.Time
	totalFiles int
	totalBytes int64 // -1 when unknown (standard input)
	doneFiles  int
	doneBytes  int64 // bytes of finished uploads
	active     map[int]*bar
	drawn      int // lines of the live block on screen
	lastDraw   time.Time
}

// A bar is one file in flight.
type bar struct {
	name       string
	size, sent int64 // size -1 when unknown
	start      time.Time
	uploaded   bool      // its bytes count in doneBytes
	status     string    // set once uploaded: what --wait waits for
	since      time.Time // when status was set
}

func newDisplay(ios *iostreams.Streams, jsonOut, ci bool, now func() time.Time) *display {
	width := termWidth(ios.ErrOut)
	if width <= 0 {
		width = defaultWidth
	}
	return &display{out: ios.Out, err: ios.ErrOut, live: ios.IsStderrTTY() && !ci, json: jsonOut,
		color: ios.ColorEnabled(), width: width, now: now, active: map[int]*bar{}}
}

// begin starts the run: files sources of bytes in total (-1: unknown).
func (d *display) begin(files int, bytes int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.start, d.totalFiles, d.totalBytes = d.now(), files, bytes
	d.redraw()
}

// startFile shows the bar of file id.
func (d *display) startFile(id int, name string, size int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.active[id] = &bar{name: name, size: size, start: d.now()}
	d.redraw()
}

// progress records that S3 acknowledged sent bytes of file id.
func (d *display) progress(id int, sent int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	b := d.active[id]
	if b == nil {
		return
	}
	b.sent = sent
	if d.now().Sub(d.lastDraw) >= redrawEvery {
		d.redraw()
	}
}

// status replaces file id's bar with what it waits for.
func (d *display) status(id int, s string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if b := d.active[id]; b != nil {
		b.status, b.since = s, d.now()
		d.redraw()
	}
}

// uploaded counts file id's bytes as sent.
func (d *display) uploaded(id int, size int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if b := d.active[id]; b != nil {
		b.sent, b.size, b.uploaded = size, size, true
	}
	d.doneBytes += size
	d.redraw()
}

// done prints rec, file id's outcome, and removes its bar. In text, a file
// that was not uploaded has no line on stdout but its error on stderr,
// unless the command returns that error.
func (d *display) done(id int, rec record) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.active, id)
	d.doneFiles++
	d.clear()
	switch {
	case d.json:
		data, _ := json.Marshal(rec) // a record always encodes
		fmt.Fprintf(d.out, "%s\n", data)
	case rec.uploaded:
		fmt.Fprintln(d.out, rec.text())
	case !rec.returned:
		fmt.Fprintf(d.err, "%s %s\n", d.paint("✗", "31"), rec.Error)
	}
	d.redraw()
}

// drop removes file id's bar without a line: its upload was stopped.
func (d *display) drop(id int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.active, id)
	d.redraw()
}

// tick redraws the live block, so rates, ETAs and waits move on.
func (d *display) tick() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.redraw()
}

// finish removes the live block; call it once, at the end.
func (d *display) finish() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.clear()
	d.live = false
}

func (d *display) clear() {
	if d.drawn > 0 {
		fmt.Fprintf(d.err, "\x1b[%dA\r\x1b[J", d.drawn)
		d.drawn = 0
	}
}

func (d *display) redraw() {
	if !d.live {
		return
	}
	now := d.now()
	d.lastDraw = now
	lines := d.lines(now)
	var b strings.Builder
	if d.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA\r\x1b[J", d.drawn)
	}
	for i, l := range lines {
		// The last column stays free: writing it makes some terminals wrap.
		l = fit(l, d.width-1, false)
		if i == len(lines)-1 {
			l = d.paint(l, "1")
		}
		b.WriteString(l)
		b.WriteString("\n")
	}
	fmt.Fprint(d.err, b.String())
	d.drawn = len(lines)
}

// lines is the live block at now: file bars in start order, then the total.
func (d *display) lines(now time.Time) []string {
	ids := make([]int, 0, len(d.active))
	var sent int64
	for id, b := range d.active {
		ids = append(ids, id)
		if !b.uploaded {
			sent += b.sent
		}
	}
	sort.Ints(ids)
	var out []string
	for i, id := range ids {
		if i == maxBars {
			out = append(out, fmt.Sprintf("  … and %d more", len(ids)-maxBars))
			break
		}
		b := d.active[id]
		if b.status != "" {
			out = append(out, fmt.Sprintf("  %-*s %s (%s)", nameWidth, fit(b.name, nameWidth, true), b.status, now.Sub(b.since).Truncate(time.Second)))
			continue
		}
		out = append(out, "  "+meter(fit(b.name, nameWidth, true), b.sent, b.size, now.Sub(b.start)))
	}
	label := fmt.Sprintf("total %d/%d files", d.doneFiles, d.totalFiles)
	out = append(out, "  "+meter(label, d.doneBytes+sent, d.totalBytes, now.Sub(d.start)))
	return out
}

// meter draws "name ██████░░░░░░░░  40% 2.0 MiB/5.0 MiB 1.0 MiB/s ETA 3s",
// which fits 80 columns; with an unknown size (-1) it shows the bytes and
// rate only.
func meter(name string, sent, size int64, elapsed time.Duration) string {
	rate := 0.0
	if elapsed > 0 {
		rate = float64(sent) / elapsed.Seconds()
	}
	speed := humanBytes(int64(rate)) + "/s"
	if size < 0 {
		return fmt.Sprintf("%-*s %s %s", nameWidth, name, humanBytes(sent), speed)
	}
	frac := 1.0
	if size > 0 {
		frac = min(float64(sent)/float64(size), 1)
	}
	full := int(frac * barWidth)
	cells := strings.Repeat("█", full) + strings.Repeat("░", barWidth-full)
	eta := "--"
	switch {
	case sent >= size:
		eta = "0s"
	case rate > 0 && elapsed >= time.Second: // earlier rates mislead
		eta = time.Duration(float64(size-sent) / rate * float64(time.Second)).Round(time.Second).String()
	}
	return fmt.Sprintf("%-*s %s %3.0f%% %s/%s %s ETA %s", nameWidth, name, cells, frac*100, humanBytes(sent), humanBytes(size), speed, eta)
}

// fit shortens s to width columns with an ellipsis, keeping its end
// ("…otos/2024/cat.jpg") or its start ("photos/2024/c…").
func fit(s string, width int, keepEnd bool) string {
	r := []rune(s)
	switch {
	case len(r) <= width:
		return s
	case width < 1:
		return ""
	case keepEnd:
		return "…" + string(r[len(r)-width+1:])
	default:
		return string(r[:width-1]) + "…"
	}
}

func (d *display) paint(s, code string) string {
	if !d.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
