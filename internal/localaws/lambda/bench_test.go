package lambda

import (
	"context"
	"testing"
	"time"
)

// BenchmarkInvokeSync_warm measures one invocation of a warm instance
// through InvokeSync: Runtime API round trip, logs and bookkeeping.
func BenchmarkInvokeSync_warm(b *testing.B) {
	h := newHarness(b, harnessConfig{})
	start := time.Now()
	h.createB(b, "bench")
	b.Logf("create: %v", time.Since(start))
	ctx := context.Background()
	start = time.Now()
	if _, fe, err := h.svc.InvokeSync(ctx, "bench", []byte(`{"op":"pid"}`)); err != nil || fe != "" {
		b.Fatalf("cold invoke: %v %s", err, fe)
	}
	b.Logf("cold invoke: %v", time.Since(start))
	b.ResetTimer()
	for b.Loop() {
		if _, fe, err := h.svc.InvokeSync(ctx, "bench", []byte(`{"op":"pid"}`)); err != nil || fe != "" {
			b.Fatalf("invoke: %v %s", err, fe)
		}
	}
}
