package redrivecmd

import (
	"strings"
	"testing"
	"time"

	"github.com/edasctl/edasctl/internal/iostreams"
)

func TestWriteTextShowsEachConsumer(t *testing.T) {
	var b strings.Builder
	err := writeText(&b, []Result{
		{Consumer: "thumbnail", DLQ: "edas-thumbnail-dlq", Queue: "edas-thumbnail", Status: StatusEmpty},
		{Consumer: "catalog", DLQ: "edas-catalog-dlq", Queue: "edas-catalog", Status: StatusFailed, Moved: 1, ToMove: 3, FailureReason: "AWS.SimpleQueueService.NonExistentQueue"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "CONSUMER   DLQ                 QUEUE           STATUS                                           ~MOVED\n" +
		"thumbnail  edas-thumbnail-dlq  edas-thumbnail  empty                                            0/0\n" +
		"catalog    edas-catalog-dlq    edas-catalog    failed: AWS.SimpleQueueService.NonExistentQueue  1/3\n"
	if b.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestProgress(t *testing.T) {
	at := func(moved int64, status string) []Result {
		return []Result{
			{DLQ: "edas-thumbnail-dlq", Queue: "edas-thumbnail", Status: StatusEmpty},
			{DLQ: "edas-catalog-dlq", Queue: "edas-catalog", Status: status, Moved: moved, ToMove: 10},
		}
	}
	start := time.Date(2026, 11, 28, 21, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		tty, ci bool
		want    string
	}{
		{name: "a terminal redraws the line and leaves the last one", tty: true,
			want: "\r\x1b[2Kedas-catalog-dlq → edas-catalog 2/10 running" +
				"\r\x1b[2Kedas-catalog-dlq → edas-catalog 6/10 running" +
				"\r\x1b[2Kedas-catalog-dlq → edas-catalog 10/10 completed" +
				"\r\x1b[2Kedas-catalog-dlq → edas-catalog 10/10 completed\n"},
		{name: "a pipe gets a line at most every 2s and always the last one",
			want: "edas-catalog-dlq → edas-catalog 2/10 running\nedas-catalog-dlq → edas-catalog 10/10 completed\n"},
		{name: "CI gets plain lines on a terminal too", tty: true, ci: true,
			want: "edas-catalog-dlq → edas-catalog 2/10 running\nedas-catalog-dlq → edas-catalog 10/10 completed\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, _, stderr := iostreams.Test()
			ios.SetTTY(false, tc.tty)
			p := newProgress(ios, tc.ci)
			p.update(at(2, StatusRunning), start)
			p.update(at(6, StatusRunning), start.Add(time.Second))
			p.update(at(10, StatusCompleted), start.Add(1500*time.Millisecond))
			p.finish()
			p.finish() // idempotent
			if got := stderr.String(); got != tc.want {
				t.Fatalf("stderr:\n%q\nwant:\n%q", got, tc.want)
			}
		})
	}
}

func TestProgressIsSilentWhenNothingMoves(t *testing.T) {
	ios, _, _, stderr := iostreams.Test()
	p := newProgress(ios, false)
	p.update([]Result{{DLQ: "d", Queue: "q", Status: StatusEmpty}}, time.Now())
	p.finish()
	if stderr.Len() != 0 {
		t.Fatalf("stderr %q, want nothing", stderr)
	}
}
