package iostreams

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestTestStreamsAreNotTerminals(t *testing.T) {
	s, _, out, errOut := Test()
	if s.IsStdoutTTY() || s.IsStderrTTY() || s.ColorEnabled() {
		t.Fatalf("test streams must not be terminals or coloured")
	}
	if _, err := s.Out.Write([]byte("data")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ErrOut.Write([]byte("progress")); err != nil {
		t.Fatal(err)
	}
	if out.String() != "data" || errOut.String() != "progress" {
		t.Fatalf("stdout=%q stderr=%q, want data and progress kept apart", out, errOut)
	}
}

func TestSetTTYOverridesDetection(t *testing.T) {
	s, _, _, _ := Test()
	s.SetTTY(true, false)
	if !s.IsStdoutTTY() || s.IsStderrTTY() {
		t.Fatalf("SetTTY(true,false) gave stdout=%v stderr=%v", s.IsStdoutTTY(), s.IsStderrTTY())
	}
}

func TestSharedErrOutKeepsConcurrentWritesWhole(t *testing.T) {
	var buf bytes.Buffer
	s := (&Streams{ErrOut: &buf}).WithSharedErrOut()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 500 {
				fmt.Fprintf(s.ErrOut, "goroutine %d line %03d\n", g, i)
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 2000 {
		t.Fatalf("%d lines, want 2000", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "goroutine ") || len(l) != len("goroutine 0 line 000") {
			t.Fatalf("torn line %q", l)
		}
	}
}
