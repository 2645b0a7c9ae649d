// Package binrec reads the compact binary records some services of the
// local AWS persist (S3's object records, SQS's journal): unsigned and
// signed varints, single bytes, fixed 64-bit little-endian words and
// length-prefixed strings, as written with encoding/binary's Append
// functions. A Reader never panics on corrupt input: the first failure
// sticks, every later read returns a zero value, and Err reports it.
package binrec

import (
	"encoding/binary"
	"errors"
)

// ErrTruncated is the failure of a read past the end of the record, or of
// a varint that does not decode.
var ErrTruncated = errors.New("record truncated")

// ErrCount is the failure of a count larger than the rest of the record
// could hold.
var ErrCount = errors.New("record count exceeds the record")

// A Reader reads the fields of one record in order.
type Reader struct {
	b   []byte
	err error
}

// NewReader returns a Reader of b.
func NewReader(b []byte) *Reader { return &Reader{b: b} }

// Err is the first failure, or nil.
func (r *Reader) Err() error { return r.err }

// Len is the number of bytes not read yet.
func (r *Reader) Len() int { return len(r.b) }

// Fail records err as the failure (unless one is recorded already) and
// makes every later read return a zero value. Decoders call it for values
// that decode but are out of range.
func (r *Reader) Fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.b = nil
}

// Uvarint reads an unsigned varint.
func (r *Reader) Uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.Fail(ErrTruncated)
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Varint reads a signed (zig-zag) varint.
func (r *Reader) Varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.Fail(ErrTruncated)
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Byte reads one byte.
func (r *Reader) Byte() byte {
	if len(r.b) == 0 {
		r.Fail(ErrTruncated)
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

// Bytes reads n bytes; the result aliases the record.
func (r *Reader) Bytes(n uint64) []byte {
	if n > uint64(len(r.b)) {
		r.Fail(ErrTruncated)
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

// Str reads a string prefixed by its length as an unsigned varint.
func (r *Reader) Str() string { return string(r.Bytes(r.Uvarint())) }

// Uint64 reads a fixed 8-byte little-endian word.
func (r *Reader) Uint64() uint64 {
	if b := r.Bytes(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

// Count reads a count (an unsigned varint) of items that take at least min
// bytes each and fails if the rest of the record cannot hold them, so that
// a corrupt count never makes a decoder allocate more than the record's
// size.
func (r *Reader) Count(min int) int {
	n := r.Uvarint()
	if n > uint64(len(r.b)/max(min, 1)) {
		r.Fail(ErrCount)
		return 0
	}
	return int(n)
}
