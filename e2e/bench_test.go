package e2e

import (
	"testing"
	"time"
)

// The figures of docs/benchmarks.md: `up` from nothing, a no-op `up` and
// `down` through the CLI on the local AWS with a prebuilt handler zip, and
// `up` against a simulated AWS latency. Each reports, besides the time, the
// API calls the command made (calls/op) and how many of them change
// something (mutating/op), as the recorder in front of the local AWS saw
// them — the health probe and STS included.
//
//	go test ./e2e/ -run '^$' -bench . -benchtime 5x

// reportCalls adds the calls of the last b.N runs to the benchmark's metrics.
func reportCalls(b *testing.B, calls []call) summary {
	s := summarize(calls)
	b.ReportMetric(float64(s.Calls)/float64(b.N), "calls/op")
	b.ReportMetric(float64(s.Mutating)/float64(b.N), "mutating/op")
	return s
}

func BenchmarkUpFromNothing(b *testing.B) {
	zip := handlerZip(b)
	var calls []call
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b)
		b.StartTimer()
		e.mustRun("up", "--handler-zip", zip)
		calls = append(calls, e.rec.take()...)
	}
	reportCalls(b, calls)
}

func BenchmarkUpNoop(b *testing.B) {
	zip := handlerZip(b)
	e := newEnv(b)
	e.mustRun("up", "--handler-zip", zip)
	e.rec.take()
	for b.Loop() {
		e.mustRun("up", "--handler-zip", zip)
	}
	reportCalls(b, e.rec.take())
}

func BenchmarkDown(b *testing.B) {
	zip := handlerZip(b)
	var calls []call
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b)
		e.mustRun("up", "--handler-zip", zip)
		e.rec.take()
		b.StartTimer()
		e.mustRun("down", "--yes")
		calls = append(calls, e.rec.take()...)
	}
	reportCalls(b, calls)
}

// BenchmarkUpLatency100ms runs `up` from nothing against a local AWS that
// answers every request 100 ms late. Besides the wall time it reports
// sum-ms/op, the time the calls took end to end added up — what a serial
// `up` would take — and round-trips/op, the wall time in units of the
// latency: the critical path.
func BenchmarkUpLatency100ms(b *testing.B) {
	const latency = 100 * time.Millisecond
	zip := handlerZip(b)
	var calls []call
	var wall time.Duration
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b, withLatency(latency))
		b.StartTimer()
		start := time.Now()
		e.mustRun("up", "--handler-zip", zip)
		wall += time.Since(start)
		calls = append(calls, e.rec.take()...)
	}
	s := reportCalls(b, calls)
	n := float64(b.N)
	b.ReportMetric(float64(s.Sum.Milliseconds())/n, "sum-ms/op")
	b.ReportMetric(float64(wall)/float64(latency)/n, "round-trips/op")
}

// mustRun runs edasctl and fails the benchmark unless it exits 0.
func (e *env) mustRun(args ...string) {
	e.t.Helper()
	if code, out, errOut := e.run(args...); code != 0 {
		e.t.Fatalf("edasctl %v: exit %d\nstdout:\n%s\nstderr:\n%s", args, code, out, errOut)
	}
}

// BenchmarkUpLatency100msIAM10s is BenchmarkUpLatency100ms with IAM taking
// 10 s to propagate a role change to Lambda (simulated, see iamDelay): the
// goal is `up` ≈ the IAM wait plus a handful of round trips. overshoot-ms/op
// is the wall time beyond the 10 s.
func BenchmarkUpLatency100msIAM10s(b *testing.B) {
	const latency, propagation = 100 * time.Millisecond, 10 * time.Second
	zip := handlerZip(b)
	var calls []call
	var wall time.Duration
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b, withLatency(latency), withIAMPropagation(propagation))
		b.StartTimer()
		start := time.Now()
		e.mustRun("up", "--handler-zip", zip)
		wall += time.Since(start)
		calls = append(calls, e.rec.take()...)
	}
	s := reportCalls(b, calls)
	n := float64(b.N)
	b.ReportMetric(float64(s.Sum.Milliseconds())/n, "sum-ms/op")
	b.ReportMetric(float64((wall-time.Duration(n)*propagation).Milliseconds())/n, "overshoot-ms/op")
}
