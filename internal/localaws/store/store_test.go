package store

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

func openBoth(t *testing.T) map[string]*Store {
	t.Helper()
	disk, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	mem, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { disk.Close(); mem.Close() })
	return map[string]*Store{"disk": disk, "memory": mem}
}

func TestPutGetDeleteScan(t *testing.T) {
	for name, s := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			err := s.Update(func(tx *Tx) error {
				for _, k := range []string{"q/b", "q/a", "q/ä", "r/a", "q"} {
					if err := tx.Put("t", k, []byte("v-"+k)); err != nil {
						return err
					}
				}
				return tx.Put("other", "q/a", []byte("x"))
			})
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			err = s.View(func(tx *Tx) error {
				return tx.Scan("t", "q/", func(k string, v []byte) error {
					if string(v) != "v-"+k {
						return fmt.Errorf("value of %s = %q", k, v)
					}
					keys = append(keys, k)
					return nil
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(keys) != "[q/a q/b q/ä]" {
				t.Fatalf("scan q/ = %v, want the three q/ keys in byte order", keys)
			}
			if err := s.Update(func(tx *Tx) error { return tx.DeletePrefix("t", "q/") }); err != nil {
				t.Fatal(err)
			}
			s.View(func(tx *Tx) error {
				if _, err := tx.Get("t", "q/a"); !errors.Is(err, ErrNotFound) {
					t.Errorf("after DeletePrefix, Get q/a = %v, want ErrNotFound", err)
				}
				if v, err := tx.Get("t", "q"); err != nil || string(v) != "v-q" {
					t.Errorf("DeletePrefix q/ removed q: %q %v", v, err)
				}
				if v, err := tx.Get("other", "q/a"); err != nil || string(v) != "x" {
					t.Errorf("DeletePrefix crossed tables: %q %v", v, err)
				}
				return nil
			})
		})
	}
}

func TestFailedUpdateRollsBack(t *testing.T) {
	for name, s := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			boom := errors.New("boom")
			err := s.Update(func(tx *Tx) error {
				if err := tx.Put("t", "k", []byte("v")); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("Update error = %v, want fn's error", err)
			}
			s.View(func(tx *Tx) error {
				if _, err := tx.Get("t", "k"); !errors.Is(err, ErrNotFound) {
					t.Errorf("rolled-back put is visible: %v", err)
				}
				return nil
			})
		})
	}
}

func TestCommittedStateSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(func(tx *Tx) error { return tx.Put("t", "k", []byte("v")) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.View(func(tx *Tx) error {
		if v, err := tx.Get("t", "k"); err != nil || string(v) != "v" {
			t.Errorf("after reopen Get = %q, %v", v, err)
		}
		return nil
	})
}

func BenchmarkUpdateSmallPut(b *testing.B) {
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	val := make([]byte, 1024)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Update(func(tx *Tx) error { return tx.Put("t", fmt.Sprintf("k%09d", i), val) }); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUpdateBatchOfTen(b *testing.B) {
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	val := make([]byte, 256)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Update(func(tx *Tx) error {
			for j := 0; j < 10; j++ {
				if err := tx.Put("t", fmt.Sprintf("k%09d-%d", i, j), val); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestOnCommitRunsOnlyAfterACommit(t *testing.T) {
	for name, s := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			ran := 0
			s.Update(func(tx *Tx) error {
				tx.OnCommit(func() {
					// The store must be usable again: the callback runs outside the lock.
					s.View(func(tx *Tx) error {
						if _, err := tx.Get("t", "k"); err != nil {
							t.Errorf("committed write not visible in OnCommit: %v", err)
						}
						return nil
					})
					ran++
				})
				return tx.Put("t", "k", []byte("v"))
			})
			s.Update(func(tx *Tx) error {
				tx.OnCommit(func() { ran += 10 })
				return errors.New("roll back")
			})
			if ran != 1 {
				t.Fatalf("OnCommit ran %d times (x10 for the rolled-back one), want once", ran)
			}
		})
	}
}

// Concurrent Updates share transactions; a failing one must undo only its
// own writes while the others commit.
func TestConcurrentUpdatesCommitIndependently(t *testing.T) {
	for name, s := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			var wg sync.WaitGroup
			errs := make([]error, 200)
			for i := 0; i < 200; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = s.Update(func(tx *Tx) error {
						if err := tx.Put("t", fmt.Sprintf("k%03d", i), []byte("v")); err != nil {
							return err
						}
						if i%7 == 0 {
							return fmt.Errorf("fail %d", i)
						}
						return nil
					})
				}()
			}
			wg.Wait()
			s.View(func(tx *Tx) error {
				for i := 0; i < 200; i++ {
					_, err := tx.Get("t", fmt.Sprintf("k%03d", i))
					switch {
					case i%7 == 0 && (errs[i] == nil || !errors.Is(err, ErrNotFound)):
						t.Errorf("call %d failed (%v) but its write is visible (%v)", i, errs[i], err)
					case i%7 != 0 && (errs[i] != nil || err != nil):
						t.Errorf("call %d: Update %v, Get %v", i, errs[i], err)
					}
				}
				return nil
			})
		})
	}
}

func BenchmarkUpdateParallel(b *testing.B) {
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	val := make([]byte, 256)
	var n atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if err := s.Update(func(tx *Tx) error { return tx.Put("t", fmt.Sprintf("k%012d", i), val) }); err != nil {
				b.Error(err)
			}
		}
	})
}
