package clock

import (
	"testing"
	"time"
)

func TestFakeAfterFiresOnlyWhenAdvancedPastDeadline(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := NewFake(start)
	ch := f.After(10 * time.Second)
	f.Advance(9 * time.Second)
	select {
	case <-ch:
		t.Fatal("timer fired 1s early")
	default:
	}
	f.Advance(time.Second)
	select {
	case got := <-ch:
		if !got.Equal(start.Add(10 * time.Second)) {
			t.Fatalf("fired with %v", got)
		}
	default:
		t.Fatal("timer did not fire at its deadline")
	}
	if !f.Now().Equal(start.Add(10 * time.Second)) {
		t.Fatalf("Now = %v", f.Now())
	}
}
