package store

import (
	"errors"
	"testing"
	"time"
)

func getString(t *testing.T, s *Store, table, key string) (string, bool) {
	t.Helper()
	var v []byte
	var err error
	s.View(func(tx *Tx) error { v, err = tx.Get(table, key); return nil })
	if errors.Is(err, ErrNotFound) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(v), true
}

func TestLaterWriteRidesAlongWithTheNextUpdate(t *testing.T) {
	for name, s := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			s.Later(func(tx *Tx) error { return tx.Put("t", "later", []byte("1")) })
			if err := s.Update(func(tx *Tx) error { return tx.Put("t", "now", []byte("2")) }); err != nil {
				t.Fatal(err)
			}
			if v, ok := getString(t, s, "t", "later"); !ok || v != "1" {
				t.Fatalf("after the next Update, the Later write = %q, %v; want it committed with it", v, ok)
			}
		})
	}
}

func TestLaterWriteIsCommittedOnItsOwnWhenNothingElseComes(t *testing.T) {
	for name, s := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			s.Later(func(tx *Tx) error { return tx.Put("t", "later", []byte("1")) })
			deadline := time.Now().Add(2 * time.Second)
			for {
				if _, ok := getString(t, s, "t", "later"); ok {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("the Later write was not committed within 2 s (laterDelay is %v)", laterDelay)
				}
				time.Sleep(time.Millisecond)
			}
		})
	}
}

func TestLaterWriteSurvivesAFailingUpdateItJoined(t *testing.T) {
	for name, s := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			s.Later(func(tx *Tx) error { return tx.Put("t", "later", []byte("1")) })
			boom := errors.New("boom")
			if err := s.Update(func(tx *Tx) error {
				if err := tx.Put("t", "failed", []byte("x")); err != nil {
					return err
				}
				return boom
			}); !errors.Is(err, boom) {
				t.Fatalf("Update = %v, want boom", err)
			}
			if _, ok := getString(t, s, "t", "failed"); ok {
				t.Error("the failing Update's write was kept")
			}
			if _, ok := getString(t, s, "t", "later"); !ok {
				t.Error("the Later write was rolled back with the failing Update it joined")
			}
		})
	}
}

func TestCloseCommitsQueuedLaterWrites(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Later(func(tx *Tx) error { return tx.Put("t", "later", []byte("1")) })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok := getString(t, s, "t", "later"); !ok {
		t.Fatal("a Later write queued before Close is missing after reopening")
	}
}
