package store

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Commits never checkpoint on the writer's path, so the background
// checkpointer must keep the WAL bounded and move pages into the database.
func TestBackgroundCheckpointsCopyTheWALIntoTheDatabase(t *testing.T) {
	defer func(n int) { walPageLimit = n }(walPageLimit)
	walPageLimit = 1000
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dbPath := filepath.Join(dir, "state.db")
	before := fileSize(t, dbPath)
	val := make([]byte, 1024)
	const commits = 2000
	for i := range commits {
		if err := s.Update(func(tx *Tx) error { return tx.Put("t", fmt.Sprintf("k%06d", i), val) }); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for fileSize(t, dbPath) < before+commits*1024 {
		if time.Now().After(deadline) {
			t.Fatalf("state.db is %d bytes after %d commits of 1 KiB; no checkpoint copied them in", fileSize(t, dbPath), commits)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The WAL restarts once a checkpoint completes, so its file stays
	// within a few walPageLimit (the writer's own checkpoint at the limit
	// is skipped while the background one holds SQLite's checkpoint lock,
	// and commits go on meanwhile), far below what the commits appended:
	// each at least two pages, a 1 KiB value spilling into an overflow page.
	if wal := fileSize(t, dbPath+"-wal"); wal > int64(3*walPageLimit)*(4096+24) || wal > commits*2*4096/2 {
		t.Errorf("WAL is %d bytes after %d commits with a limit of %d pages; it is not being restarted", wal, commits, walPageLimit)
	}
}

func TestCloseStopsTheCheckpointerWhileCommitsContinue(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			if s.Update(func(tx *Tx) error { return tx.Put("t", fmt.Sprint(i), []byte("v")) }) != nil {
				return
			}
		}
	}()
	time.Sleep(50 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	<-done
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
