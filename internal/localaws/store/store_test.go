package store

import (
	"errors"
	"fmt"
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
