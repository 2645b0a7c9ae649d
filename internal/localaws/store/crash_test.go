//go:build unix

package store

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// crashChildEnv names the directory the child process of
// TestAcknowledgedWritesSurviveKill9 writes to.
const crashChildEnv = "EDAS_STORE_CRASH_DIR"

// TestMain runs the crash test's child when asked to: four goroutines
// commit Updates as fast as they can and print each key once its Update
// has returned, until the parent kills the process.
func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		crashChild(dir)
		return
	}
	os.Exit(m.Run())
}

func crashChild(dir string) {
	s, err := Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var out sync.Mutex
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				key := fmt.Sprintf("g%d/%08d", g, i)
				err := s.Update(func(tx *Tx) error {
					if i > 0 && i%50 == 0 { // and a prefix delete now and then
						tx.DeletePrefix("gone", fmt.Sprintf("g%d/", g))
					}
					tx.Put("gone", key, []byte("x"))
					return tx.Put("t", key, []byte(key))
				})
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				out.Lock()
				os.Stdout.WriteString(key + "\n") // unbuffered: one write per acknowledged key
				out.Unlock()
			}
		})
	}
	wg.Wait()
}

func TestAcknowledgedWritesSurviveKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it while it writes, after enough commits that applies have run
	// (applyDelay) and more were logged since.
	var acked []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && len(acked) < 20000 {
		acked = append(acked, sc.Text())
	}
	cmd.Process.Signal(syscall.SIGKILL)
	for sc.Scan() { // what it acknowledged before the kill took effect
		acked = append(acked, sc.Text())
	}
	cmd.Wait()
	if len(acked) < 20000 {
		t.Fatalf("the child acknowledged only %d writes: %s", len(acked), stderr.String())
	}

	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	lost := 0
	s.View(func(tx *Tx) error {
		for _, k := range acked {
			if v, err := tx.Get("t", k); err != nil || string(v) != k {
				if lost++; lost <= 5 {
					t.Errorf("acknowledged write %s lost after kill -9: %q %v", k, v, err)
				}
			}
		}
		// Every prefix delete happened in order with the puts: what is
		// left of "gone" for each goroutine starts at its last multiple of 50.
		return tx.Scan("gone", "", func(k string, _ []byte) error {
			var g, i int
			fmt.Sscanf(k, "g%d/%d", &g, &i)
			if last := lastAcked(acked, g); i < last-last%50 {
				t.Errorf("gone/%s survived the prefix delete of a later acknowledged write (last %d)", k, last)
			}
			return nil
		})
	})
	if lost > 0 {
		t.Fatalf("%d of %d acknowledged writes lost", lost, len(acked))
	}
}

// lastAcked returns the highest index goroutine g had acknowledged.
func lastAcked(acked []string, g int) int {
	last := -1
	prefix := fmt.Sprintf("g%d/", g)
	for _, k := range acked {
		if strings.HasPrefix(k, prefix) {
			var i int
			fmt.Sscanf(k[len(prefix):], "%d", &i)
			last = max(last, i)
		}
	}
	return last
}
