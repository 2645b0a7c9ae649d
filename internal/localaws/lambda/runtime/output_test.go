package runtime

import (
	"os"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestOutputReader_syncReturnsOnceEverythingWrittenIsALine(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var lines []string
	o := newOutputReader(r, func(s string) { mu.Lock(); lines = append(lines, s); mu.Unlock() })
	go o.run()
	defer func() { w.Close(); <-o.done }()
	for i := range 50 {
		want := []string{"first", "second\r", "third"}
		w.Write([]byte(want[0] + "\n" + want[1] + "\n" + "thi"))
		w.Write([]byte("rd\n"))
		start := time.Now()
		o.Sync(5 * time.Second)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("round %d: Sync took %v", i, d)
		}
		mu.Lock()
		got := lines
		lines = nil
		mu.Unlock()
		if !slices.Equal(got, []string{"first", "second", "third"}) {
			t.Fatalf("round %d: lines = %q", i, got)
		}
	}
}

func TestOutputReader_splitsLinesLongerThanALogEvent(t *testing.T) {
	var lines []string
	o := &outputReader{emit: func(s string) { lines = append(lines, s) }}
	long := make([]byte, maxLine+10)
	for i := range long {
		long[i] = 'x'
	}
	o.split(append(long, '\n'))
	if len(lines) != 2 || len(lines[0]) != maxLine || len(lines[1]) != 10 {
		t.Fatalf("split into %d lines", len(lines))
	}
}

func TestOutputReader_emitsAnUnterminatedLastLineAtEOF(t *testing.T) {
	r, w, _ := os.Pipe()
	var lines []string
	o := newOutputReader(r, func(s string) { lines = append(lines, s) })
	go o.run()
	w.Write([]byte("done\npartial"))
	w.Close()
	<-o.done
	if !slices.Equal(lines, []string{"done", "partial"}) {
		t.Fatalf("lines = %q", lines)
	}
}
