package localcmd

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/daemon"
)

// BenchmarkStartToReady measures the time from exec of `edasctl local` to
// the first answer of its health endpoint, with durable state in a fresh
// data directory — what a user waits for after typing the command.
//
//	go test ./internal/cli/localcmd -run '^$' -bench StartToReady -benchtime 20x
func BenchmarkStartToReady(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "edasctl")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/edasctl/edasctl/cmd/edasctl").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		addr := freeAddr(b)
		dir := b.TempDir()
		cmd := exec.Command(bin, "local", "--addr", addr, "--data-dir", dir)
		b.StartTimer()
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		for {
			if _, ok := daemon.Probe(context.Background(), "http://"+addr); ok {
				break
			}
			if time.Since(start) > 10*time.Second {
				b.Fatal("not ready within 10s")
			}
			time.Sleep(200 * time.Microsecond)
		}
		b.StopTimer()
		cmd.Process.Kill()
		cmd.Wait()
		b.StartTimer()
	}
}
