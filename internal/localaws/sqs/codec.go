package sqs

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/s2"

	"github.com/edasctl/edasctl/internal/localaws/binrec"
)

// Journal records start with a one-byte format tag. encodeRecord writes the
// compact binary format (recordBinary), compressed as an S2 block above
// minCompress bytes (recordS2Binary); decodeRecord also reads the formats
// that earlier versions wrote (DEFLATE-compressed binary, plain and
// DEFLATE-compressed JSON), so existing data directories load.
//
// Compression keeps a group of messages within a database page or two: the
// store pays per page written (a WITHOUT ROWID table moves a value over
// about 1 KB to overflow pages), and message bodies (S3 event JSON)
// compress several times over. S2 (github.com/klauspost/compress/s2, an
// extension of Snappy) is used rather than DEFLATE because compressing
// costs it a fraction of what DEFLATE at BestSpeed did: DEFLATE was 6 % of
// the CPU of the SendMessageBatch benchmark (-cpuprofile of
// `go test ./internal/localaws/sqs -bench 'SendMessageBatch$'`), a share of
// every message sent.
const (
	recordJSON        = '[' // plain JSON (a group starts with '['); read only
	recordFlateJSON   = 'z' // DEFLATE-compressed JSON; read only
	recordBinary      = 'b' // binary, see appendEntry
	recordFlateBinary = 'x' // DEFLATE-compressed binary; read only
	recordS2Binary    = 's' // binary in one S2 block (s2.Encode)
)

// minCompress is the size under which a record is stored uncompressed.
// With DEFLATE, compressing a small record cost more than the overflow page
// it may save: resetting and running a DEFLATE writer for one
// SendMessageBatch's record (about 1–2 KB) took a tenth of the SQS send
// benchmark's CPU, and with records under 2 KiB stored as they are it sent
// 10 % more messages per CPU-second (cpu-us/msg of `go test
// ./internal/localaws/sqs -bench 'SendMessageBatch$'`: 37.8–41.7 at 768
// bytes, 34.5–35.7 at 2 KiB, 35.3–36.2 never compressing). The threshold
// was kept for S2 without being measured again.
const minCompress = 2048

// maxCompress is the size above which a record is stored uncompressed, so
// that decoding can refuse an S2 block claiming to expand beyond it (a
// corrupt length) before allocating for it.
const maxCompress = 64 << 20

// recordBufs recycles the buffers binary records are built in.
var recordBufs = sync.Pool{New: func() any { return new(recordBuf) }}

type recordBuf struct{ b []byte }

// encodeRecord encodes a journal record: a group of entries. The result
// does not alias any buffer that is reused.
func encodeRecord(entries []*logEntry) []byte {
	rb := recordBufs.Get().(*recordBuf)
	defer recordBufs.Put(rb)
	b := append(rb.b[:0], recordBinary)
	b = binary.AppendUvarint(b, uint64(len(entries)))
	for _, e := range entries {
		b = appendEntry(b, e)
	}
	rb.b = b
	if len(b) < minCompress || len(b)-1 > maxCompress {
		return bytes.Clone(b)
	}
	out := make([]byte, 1+s2.MaxEncodedLen(len(b)-1))
	out[0] = recordS2Binary
	return out[:1+len(s2.Encode(out[1:], b[1:]))]
}

// decodeRecord decodes a record written by encodeRecord, or by an earlier
// version in JSON.
func decodeRecord(b []byte) ([]logEntry, error) {
	if len(b) == 0 {
		return nil, errors.New("empty journal record")
	}
	switch b[0] {
	case recordBinary:
		return decodeBinary(b[1:])
	case recordS2Binary:
		if n, err := s2.DecodedLen(b[1:]); err != nil || n > maxCompress {
			return nil, fmt.Errorf("decompress journal record: corrupt length (%d bytes, %v)", n, err)
		}
		plain, err := s2.Decode(nil, b[1:])
		if err != nil {
			return nil, fmt.Errorf("decompress journal record: %w", err)
		}
		return decodeBinary(plain)
	case recordFlateBinary:
		plain, err := inflate(b[1:])
		if err != nil {
			return nil, err
		}
		return decodeBinary(plain)
	case recordJSON:
		var group []logEntry
		if err := json.Unmarshal(b, &group); err != nil {
			return nil, err
		}
		return group, nil
	case recordFlateJSON:
		plain, err := inflate(b[1:])
		if err != nil {
			return nil, err
		}
		var group []logEntry
		if err := json.Unmarshal(plain, &group); err != nil {
			return nil, err
		}
		return group, nil
	}
	return nil, fmt.Errorf("unknown journal record format %q", b[0])
}

func inflate(b []byte) ([]byte, error) {
	plain, err := io.ReadAll(flate.NewReader(bytes.NewReader(b)))
	if err != nil {
		return nil, fmt.Errorf("inflate journal record: %w", err)
	}
	return plain, nil
}

// The binary format. Integers are varints (encoding/binary); "zz" marks a
// signed (zigzag) varint holding the difference from a base, which makes
// the close seqs and times of a group one or two bytes each. A string is
// its length as a uvarint, then its bytes. A record is its entry count,
// then each entry: the count and items of Purges, Sends, States and Dels.
//
//	purge: q
//	send:  flags, q, zz seq−prevSeq, zz sentAt−prevTime, zz visible−sentAt,
//	       id (16 bytes if msgUUID, else a string),
//	       [senderID unless msgSameSender], [dlqSource if msgDLQ], body,
//	       [attribute count, then name, dataType, stringValue, binaryValue
//	       (a string; empty decodes as nil) each, if msgAttrs],
//	       [count, zz first−sentAt if msgReceived], [nonce: 8 bytes if msgNonce]
//	state: q, zz seq−prevSeq, count, zz visible−prevTime, zz first−visible, nonce: 8 bytes
//	del:   q, zz seq−prevSeq
//
// prevSeq, prevTime (the last sentAt or visible) and the previous sender
// start at zero and "" in each record. The differences wrap around in
// int64, so every value round-trips exactly.
const (
	msgUUID       = 1 << iota // the id is a lowercase UUID, stored as its 16 bytes
	msgSameSender             // senderID equals the previous send's in the record
	msgDLQ                    // dlqSource is set
	msgAttrs                  // the message has attributes
	msgReceived               // count or first is set
	msgNonce                  // nonce is set
)

// recordState is the running bases of the differences in one record.
type recordState struct {
	seq    uint64
	time   int64
	sender string
}

func appendEntry(b []byte, e *logEntry) []byte {
	var st recordState
	b = binary.AppendUvarint(b, uint64(len(e.Purges)))
	for _, q := range e.Purges {
		b = binary.AppendUvarint(b, q)
	}
	b = binary.AppendUvarint(b, uint64(len(e.Sends)))
	for i := range e.Sends {
		b = appendSend(b, &e.Sends[i], &st)
	}
	b = binary.AppendUvarint(b, uint64(len(e.States)))
	for _, r := range e.States {
		b = binary.AppendUvarint(b, r.Q)
		b = binary.AppendVarint(b, int64(r.Seq-st.seq))
		b = binary.AppendUvarint(b, uint64(r.Count))
		b = binary.AppendVarint(b, r.Visible-st.time)
		b = binary.AppendVarint(b, r.First-r.Visible)
		b = binary.LittleEndian.AppendUint64(b, r.Nonce)
		st.seq, st.time = r.Seq, r.Visible
	}
	b = binary.AppendUvarint(b, uint64(len(e.Dels)))
	for _, r := range e.Dels {
		b = binary.AppendUvarint(b, r.Q)
		b = binary.AppendVarint(b, int64(r.Seq-st.seq))
		st.seq = r.Seq
	}
	return b
}

func appendSend(b []byte, m *logMsg, st *recordState) []byte {
	var flags byte
	uuidOK := isLowerUUID(m.ID)
	if uuidOK {
		flags |= msgUUID
	}
	if m.SenderID == st.sender {
		flags |= msgSameSender
	}
	if m.DLQSource != "" {
		flags |= msgDLQ
	}
	if len(m.Attrs) > 0 {
		flags |= msgAttrs
	}
	if m.Count != 0 || m.First != 0 {
		flags |= msgReceived
	}
	if m.Nonce != 0 {
		flags |= msgNonce
	}
	b = append(b, flags)
	b = binary.AppendUvarint(b, m.Q)
	b = binary.AppendVarint(b, int64(m.Seq-st.seq))
	b = binary.AppendVarint(b, m.SentAt-st.time)
	b = binary.AppendVarint(b, m.Visible-m.SentAt)
	if uuidOK {
		b = appendUUID(b, m.ID)
	} else {
		b = appendString(b, m.ID)
	}
	if flags&msgSameSender == 0 {
		b = appendString(b, m.SenderID)
	}
	if flags&msgDLQ != 0 {
		b = appendString(b, m.DLQSource)
	}
	b = appendString(b, m.Body)
	if flags&msgAttrs != 0 {
		b = binary.AppendUvarint(b, uint64(len(m.Attrs)))
		for name, a := range m.Attrs {
			b = appendString(b, name)
			b = appendString(b, a.DataType)
			b = appendString(b, a.StringValue)
			b = binary.AppendUvarint(b, uint64(len(a.BinaryValue)))
			b = append(b, a.BinaryValue...)
		}
	}
	if flags&msgReceived != 0 {
		b = binary.AppendUvarint(b, uint64(m.Count))
		b = binary.AppendVarint(b, m.First-m.SentAt)
	}
	if flags&msgNonce != 0 {
		b = binary.LittleEndian.AppendUint64(b, m.Nonce)
	}
	st.seq, st.time, st.sender = m.Seq, m.SentAt, m.SenderID
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// isLowerUUID reports whether s is a UUID in lowercase hex, 8-4-4-4-12, the
// form newMessageID returns.
func isLowerUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// appendUUID appends the 16 bytes of a UUID that isLowerUUID accepted.
func appendUUID(b []byte, s string) []byte {
	for i := 0; i < 36; i += 2 {
		if s[i] == '-' {
			i--
			continue
		}
		b = append(b, unhex(s[i])<<4|unhex(s[i+1]))
	}
	return b
}

func unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'a' + 10
}

// formatUUID formats 16 bytes as a lowercase UUID.
func formatUUID(u []byte) string {
	const digits = "0123456789abcdef"
	var s [36]byte
	j := 0
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			s[j] = '-'
			j++
		}
		s[j], s[j+1] = digits[c>>4], digits[c&15]
		j += 2
	}
	return string(s[:])
}

func decodeBinary(b []byte) ([]logEntry, error) {
	r := binrec.NewReader(b)
	group := make([]logEntry, r.Count(4))
	for i := range group {
		decodeEntry(r, &group[i])
	}
	if r.Err() == nil && r.Len() != 0 {
		r.Fail(errors.New("trailing bytes"))
	}
	if r.Err() != nil {
		return nil, fmt.Errorf("journal record: %w", r.Err())
	}
	return group, nil
}

func decodeEntry(r *binrec.Reader, e *logEntry) {
	var st recordState
	if n := r.Count(1); n > 0 {
		e.Purges = make([]uint64, n)
		for i := range e.Purges {
			e.Purges[i] = r.Uvarint()
		}
	}
	if n := r.Count(6); n > 0 {
		e.Sends = make([]logMsg, n)
		for i := range e.Sends {
			decodeSend(r, &e.Sends[i], &st)
		}
	}
	if n := r.Count(13); n > 0 {
		e.States = make([]logState, n)
		for i := range e.States {
			s := &e.States[i]
			s.Q = r.Uvarint()
			s.Seq = st.seq + uint64(r.Varint())
			s.Count = int(r.Uvarint())
			s.Visible = st.time + r.Varint()
			s.First = s.Visible + r.Varint()
			s.Nonce = r.Uint64()
			st.seq, st.time = s.Seq, s.Visible
		}
	}
	if n := r.Count(2); n > 0 {
		e.Dels = make([]logDel, n)
		for i := range e.Dels {
			d := &e.Dels[i]
			d.Q = r.Uvarint()
			d.Seq = st.seq + uint64(r.Varint())
			st.seq = d.Seq
		}
	}
}

func decodeSend(r *binrec.Reader, m *logMsg, st *recordState) {
	flags := r.Byte()
	m.Q = r.Uvarint()
	m.Seq = st.seq + uint64(r.Varint())
	m.SentAt = st.time + r.Varint()
	m.Visible = m.SentAt + r.Varint()
	if flags&msgUUID != 0 {
		if u := r.Bytes(16); u != nil {
			m.ID = formatUUID(u)
		}
	} else {
		m.ID = r.Str()
	}
	if flags&msgSameSender != 0 {
		m.SenderID = st.sender
	} else {
		m.SenderID = r.Str()
	}
	if flags&msgDLQ != 0 {
		m.DLQSource = r.Str()
	}
	m.Body = r.Str()
	if flags&msgAttrs != 0 {
		n := r.Count(4)
		if n > 0 {
			m.Attrs = make(map[string]MessageAttribute, n)
		}
		for range n {
			name := r.Str()
			a := MessageAttribute{DataType: r.Str(), StringValue: r.Str()}
			if v := r.Bytes(r.Uvarint()); len(v) > 0 {
				a.BinaryValue = bytes.Clone(v)
			}
			m.Attrs[name] = a
		}
	}
	if flags&msgReceived != 0 {
		m.Count = int(r.Uvarint())
		m.First = m.SentAt + r.Varint()
	}
	if flags&msgNonce != 0 {
		m.Nonce = r.Uint64()
	}
	st.seq, st.time, st.sender = m.Seq, m.SentAt, m.SenderID
}
