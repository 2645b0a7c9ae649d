package sqs

import (
	"strings"
	"testing"
)

func TestJournalRecordsRoundTripPlainAndCompressed(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		tag        byte
	}{
		{"a small record stays plain JSON", "x", recordJSON},
		{"a large record is compressed", strings.Repeat(`{"Records":[]}`, 200), recordFlateJSON},
	} {
		in := []*logEntry{{Sends: []logMsg{{Q: 1, Seq: 2, ID: "id", Body: tc.body}}, Dels: []logDel{{Q: 1, Seq: 1}}}}
		b, err := encodeRecord(in)
		if err != nil {
			t.Fatal(err)
		}
		if b[0] != tc.tag {
			t.Errorf("%s: format tag %q, want %q", tc.name, b[0], tc.tag)
		}
		var out []logEntry
		if err := decodeRecord(b, &out); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(out) != 1 || out[0].Sends[0].Body != tc.body || out[0].Dels[0].Seq != 1 {
			t.Fatalf("%s: decoded %+v", tc.name, out)
		}
	}
}

func TestCorruptJournalRecordsAreErrors(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("?"), []byte("z\x00\x01garbage"), []byte("[{")} {
		var out []logEntry
		if err := decodeRecord(b, &out); err == nil {
			t.Errorf("decodeRecord(%q) succeeded", b)
		}
	}
}
