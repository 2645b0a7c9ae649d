package benchcmd

import (
	"testing"
	"time"
)

func TestPercentilesUseNearestRank(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	p := percentiles(ds, true)
	if p.P50 != 50 || p.P90 == nil || *p.P90 != 90 || p.P99 != 99 || p.Max != 100 {
		t.Fatalf("got %+v (p90 %v), want p50 50, p90 90, p99 99, max 100", p, p.P90)
	}
}

func TestPercentilesOfOneSampleAreThatSample(t *testing.T) {
	p := percentiles([]time.Duration{1500 * time.Microsecond}, false)
	if p.P50 != 1.5 || p.P99 != 1.5 || p.Max != 1.5 || p.P90 != nil {
		t.Fatalf("got %+v, want 1.5 everywhere and no p90", p)
	}
}

func TestPercentilesOfNoSamplesAreZero(t *testing.T) {
	if p := percentiles(nil, true); p != (Percentiles{}) {
		t.Fatalf("got %+v, want zero", p)
	}
}
