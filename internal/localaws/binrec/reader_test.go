package binrec

import (
	"encoding/binary"
	"errors"
	"testing"
)

func TestReaderReadsWhatEncodingBinaryAppends(t *testing.T) {
	var b []byte
	b = binary.AppendUvarint(b, 300)
	b = binary.AppendVarint(b, -5)
	b = append(b, 7)
	b = binary.AppendUvarint(b, 3)
	b = append(b, "abc"...)
	b = binary.LittleEndian.AppendUint64(b, 1<<40)
	b = binary.AppendUvarint(b, 2)
	b = append(b, 1, 2)
	r := NewReader(b)
	if u, v, c, s, w, n := r.Uvarint(), r.Varint(), r.Byte(), r.Str(), r.Uint64(), r.Count(1); u != 300 || v != -5 || c != 7 || s != "abc" || w != 1<<40 || n != 2 {
		t.Fatalf("read %d %d %d %q %d %d", u, v, c, s, w, n)
	}
	if got := r.Bytes(2); string(got) != "\x01\x02" || r.Len() != 0 || r.Err() != nil {
		t.Fatalf("Bytes = %v, Len %d, Err %v", got, r.Len(), r.Err())
	}
}

func TestEveryTruncationFailsAndTheFirstFailureSticks(t *testing.T) {
	var b []byte
	b = binary.AppendUvarint(b, 1<<20)
	b = binary.AppendUvarint(b, 5)
	b = append(b, "hello"...)
	for n := 0; n < len(b); n++ {
		r := NewReader(b[:n])
		r.Uvarint()
		r.Str()
		if !errors.Is(r.Err(), ErrTruncated) {
			t.Errorf("record cut at %d bytes: Err = %v, want ErrTruncated", n, r.Err())
		}
		if r.Byte() != 0 || r.Str() != "" || r.Len() != 0 {
			t.Errorf("record cut at %d bytes: reads after the failure are not zero", n)
		}
	}
	r := NewReader(binary.AppendUvarint(nil, 1000))
	if r.Count(4) != 0 || !errors.Is(r.Err(), ErrCount) {
		t.Errorf("a count of 1000 in an empty rest: Err = %v, want ErrCount", r.Err())
	}
	r.Fail(errors.New("later"))
	if !errors.Is(r.Err(), ErrCount) {
		t.Errorf("a second failure replaced the first: %v", r.Err())
	}
}
