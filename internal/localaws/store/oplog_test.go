package store

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// logRecord returns a sealed record of the given operations.
func logRecord(ops ...func([]byte) []byte) []byte {
	rec := make([]byte, recordHeader)
	for _, o := range ops {
		rec = o(rec)
	}
	sealRecord(rec)
	return rec
}

func put(table, key, value string) func([]byte) []byte {
	return func(b []byte) []byte { return appendOp(b, opPut, table, key, []byte(value), true) }
}

func writeSegment(t *testing.T, dir string, num uint64, data ...[]byte) {
	t.Helper()
	if err := os.WriteFile(segmentPath(dir, num), []byte(strings.Join(toStrings(data), "")), 0o600); err != nil {
		t.Fatal(err)
	}
}

func toStrings(bs [][]byte) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = string(b)
	}
	return out
}

func segmentNames(t *testing.T, dir string) []string {
	t.Helper()
	segs, err := listSegments(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range segs {
		names = append(names, filepath.Base(s.path))
	}
	return names
}

func TestOpenReplaysTheSegmentsACrashLeft(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Update(func(tx *Tx) error { return tx.Put("t", "old", []byte("1")) })
	s.Close()
	// What a crash leaves: records logged but never applied, including a
	// record the database already holds (a crash between an apply's commit
	// and its deletion of the segment).
	writeSegment(t, dir, 7,
		logRecord(put("t", "old", "1"), put("t", "a", "1"), put("t", "b", "1")),
		logRecord(func(b []byte) []byte { return appendOp(b, opDelete, "t", "a", nil, false) }))
	writeSegment(t, dir, 8,
		logRecord(put("u", "p/1", "x"), put("u", "p/2", "x"), put("u", "q", "x")),
		logRecord(func(b []byte) []byte { return appendOp(b, opDeletePrefix, "u", "p/", nil, false) }))

	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct {
		table, key string
		present    bool
	}{{"t", "old", true}, {"t", "a", false}, {"t", "b", true}, {"u", "p/1", false}, {"u", "p/2", false}, {"u", "q", true}} {
		if _, ok := getString(t, s, c.table, c.key); ok != c.present {
			t.Errorf("after replay %s/%s present = %v, want %v", c.table, c.key, ok, c.present)
		}
	}
	// The replayed segments are gone; the new segment is numbered after them.
	if names := segmentNames(t, dir); len(names) != 1 || names[0] != "log-0000000000000009" {
		t.Errorf("segments after Open = %v, want only the new log-0000000000000009", names)
	}
}

func TestReplayStopsAtATornRecordAtTheEndOfTheLog(t *testing.T) {
	for name, tail := range map[string]func([]byte) []byte{
		"cut short":    func(r []byte) []byte { return r[:len(r)-3] },
		"half header":  func(r []byte) []byte { return r[:5] },
		"bad checksum": func(r []byte) []byte { r = append([]byte(nil), r...); r[len(r)-1] ^= 0xff; return r },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeSegment(t, dir, 1, logRecord(put("t", "kept", "1")), tail(logRecord(put("t", "torn", "1"))))
			s, err := Open(dir)
			if err != nil {
				t.Fatalf("Open with a torn last record: %v", err)
			}
			defer s.Close()
			if _, ok := getString(t, s, "t", "kept"); !ok {
				t.Error("the record before the torn one was not replayed")
			}
			if _, ok := getString(t, s, "t", "torn"); ok {
				t.Error("the torn record was replayed")
			}
		})
	}
}

func TestOpenRefusesABadChecksumInAnOlderSegment(t *testing.T) {
	dir := t.TempDir()
	bad := logRecord(put("t", "a", "1"))
	bad[len(bad)-1] ^= 0xff
	writeSegment(t, dir, 1, bad, logRecord(put("t", "b", "1")))
	writeSegment(t, dir, 2, logRecord(put("t", "c", "1")))
	_, err := Open(dir)
	if err == nil || !strings.Contains(err.Error(), "log-0000000000000001") || !strings.Contains(err.Error(), "offset 0") {
		t.Fatalf("Open = %v, want an error naming the corrupt segment and offset", err)
	}
	if names := segmentNames(t, dir); len(names) != 2 {
		t.Errorf("a refused Open changed the segments: %v", names)
	}
}

func TestApplyMovesLoggedWritesIntoTheDatabaseAndDeletesTheirSegments(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 3 {
		if err := s.Update(func(tx *Tx) error { return tx.Put("t", string(rune('a'+i)), []byte("v")) }); err != nil {
			t.Fatal(err)
		}
	}
	if info, err := os.Stat(segmentPath(dir, 1)); err != nil || info.Size() == 0 {
		t.Fatalf("the writes are not in the log segment: %v %v", info, err)
	}
	if err := s.apply(); err != nil {
		t.Fatal(err)
	}
	if names := segmentNames(t, dir); len(names) != 1 || names[0] != "log-0000000000000002" {
		t.Errorf("segments after apply = %v, want only the new log-0000000000000002", names)
	}
	// Read the database file directly: the writes are there, not only in the log.
	raw, err := open("file:" + filepath.Join(dir, "state.db") + "?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.db.Close()
	var n int
	if err := raw.db.QueryRow(`SELECT count(*) FROM kv WHERE tbl = 't'`).Scan(&n); err != nil || n != 3 {
		t.Errorf("state.db holds %d rows of t (%v), want 3", n, err)
	}
}

func TestAnUpdatesTxOnlyWrites(t *testing.T) {
	for name, s := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			var getErr, scanErr error
			s.Update(func(tx *Tx) error {
				_, getErr = tx.Get("t", "k")
				scanErr = tx.Scan("t", "", func(string, []byte) error { return nil })
				return nil
			})
			if !errors.Is(getErr, errReadInUpdate) || !errors.Is(scanErr, errReadInUpdate) {
				t.Errorf("Get, Scan in Update = %v, %v; want errReadInUpdate", getErr, scanErr)
			}
			if err := s.View(func(tx *Tx) error { return tx.Put("t", "k", nil) }); err == nil {
				t.Error("Put in View succeeded")
			}
		})
	}
}

func TestDecodeOpsRefusesTruncatedAndUnknownOperations(t *testing.T) {
	good := appendOp(nil, opPut, "t", "k", []byte("value"), true)
	for name, payload := range map[string][]byte{
		"truncated value": good[:len(good)-2],
		"huge length":     append([]byte{opPut, 1, 't'}, binary.AppendUvarint(nil, 1<<40)...),
		"unknown kind":    append([]byte{'Z'}, good[1:]...),
	} {
		if err := decodeOps(payload, func(op) error { return nil }); err == nil {
			t.Errorf("%s: decodeOps accepted %q", name, payload)
		}
	}
	var got []op
	if err := decodeOps(good, func(o op) error { got = append(got, o); return nil }); err != nil || len(got) != 1 ||
		got[0].table != "t" || got[0].key != "k" || string(got[0].value) != "value" {
		t.Errorf("decodeOps(good) = %+v, %v", got, err)
	}
}
