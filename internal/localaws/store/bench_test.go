package store

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/edasctl/edasctl/internal/proccpu"
)

// BenchmarkPipelineMix commits, per op, what one object of the pipeline
// benchmark (edasctl bench) writes to the store while it flows through the
// local AWS, from four goroutines at a time: the uploaded object's record
// with its event's outbox entry; the outbox entry's removal with the
// queue's journal record; the catalog entry's record with a log event.
// cpu-µs/op is the CPU of the whole process, background applies included.
//
//	go test ./internal/localaws/store -run '^$' -bench PipelineMix -benchtime 20000x -count 3
func BenchmarkPipelineMix(b *testing.B) {
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	obj := make([]byte, 600)
	ev := make([]byte, 900)
	var n atomic.Int64
	b.SetParallelism(2) // 4 goroutines on 2 cores
	b.ResetTimer()
	cpu := proccpu.Used()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			mustUpdate(b, s, func(tx *Tx) error {
				tx.Put("s3.object", fmt.Sprintf("bucket/uploads/bench/run/%08d.bin", i), obj)
				return tx.Put("pipeline.s3outbox", fmt.Sprintf("%016d", i), ev)
			})
			mustUpdate(b, s, func(tx *Tx) error {
				tx.Delete("pipeline.s3outbox", fmt.Sprintf("%016d", i))
				return tx.Put("sqs.log", fmt.Sprintf("0001/%016d", i), ev)
			})
			mustUpdate(b, s, func(tx *Tx) error {
				tx.Put("s3.object", fmt.Sprintf("bucket/catalog/bench/run/%08d.bin.json", i), obj)
				return tx.Put("logs.event", fmt.Sprintf("group/stream/%016d", i), obj)
			})
		}
	})
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(proccpu.MicrosPerOp(cpu, b.N), "cpu-µs/op")
}

func mustUpdate(b *testing.B, s *Store, fn func(*Tx) error) {
	if err := s.Update(fn); err != nil {
		b.Error(err)
	}
}
