package uploadcmd

import (
	"testing"
	"time"
)

func TestSummaryLineCountsWhatHappened(t *testing.T) {
	tests := []struct {
		name string
		sum  summary
		want string
	}{
		{"one file", summary{files: 1, uploaded: 1, bytes: 26, elapsed: 3 * time.Millisecond}, "uploaded 1 file (26 B) in 3ms"},
		{"some not uploaded", summary{files: 3, uploaded: 2, bytes: 2 << 20, elapsed: 1500 * time.Millisecond}, "uploaded 2 files (2.0 MiB) in 1.5s, 1 not uploaded"},
		{"with --wait", summary{files: 2, uploaded: 2, bytes: 10, elapsed: time.Second, results: 1, waitErrs: 1}, "uploaded 2 files (10 B) in 1s, 1 with results"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sum.String(); got != tt.want {
				t.Fatalf("summary %q, want %q", got, tt.want)
			}
		})
	}
}
