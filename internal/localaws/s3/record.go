package s3

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/binrec"
)

// The object records of the s3.object table are stored in a compact binary
// form: encoding one costs a fraction of JSON, and every PUT writes one.
// Records written by earlier versions are JSON objects; decodeObject reads
// both, told apart by the first byte ('{' for JSON, objectRecordV1 here),
// so a data directory of an earlier version still loads.
//
// Layout of objectRecordV1, after the tag byte (uvarint and varint as in
// encoding/binary, a string is a uvarint length and its bytes, a map is a
// uvarint count and that many key/value string pairs, in key order):
//
//	Key, VersionID string; Seq uvarint; flags byte (bit 0: DeleteMarker);
//	Size varint; ETag string; Modified: Unix seconds varint, nanoseconds
//	uvarint; segment count uvarint, then per segment: Blob string, Off
//	varint, Size varint, Packed byte; Headers map; Meta map; ChecksumAlg,
//	Checksum, ChecksumType string; Parts uvarint.
const objectRecordV1 = 0x01

// appendObject appends the record of v to dst.
func appendObject(dst []byte, v *objectVersion) []byte {
	dst = append(dst, objectRecordV1)
	dst = appendString(dst, v.Key)
	dst = appendString(dst, v.VersionID)
	dst = binary.AppendUvarint(dst, v.Seq)
	var flags byte
	if v.DeleteMarker {
		flags |= 1
	}
	dst = append(dst, flags)
	dst = binary.AppendVarint(dst, v.Size)
	dst = appendString(dst, v.ETag)
	dst = binary.AppendVarint(dst, v.Modified.Unix())
	dst = binary.AppendUvarint(dst, uint64(v.Modified.Nanosecond()))
	dst = binary.AppendUvarint(dst, uint64(len(v.Segments)))
	for _, s := range v.Segments {
		dst = appendString(dst, s.Blob)
		dst = binary.AppendVarint(dst, s.Off)
		dst = binary.AppendVarint(dst, s.Size)
		if s.Packed {
			dst = append(dst, 1)
		} else {
			dst = append(dst, 0)
		}
	}
	dst = appendMap(dst, v.Headers)
	dst = appendMap(dst, v.Meta)
	dst = appendString(dst, v.ChecksumAlg)
	dst = appendString(dst, v.Checksum)
	dst = appendString(dst, v.ChecksumType)
	return binary.AppendUvarint(dst, uint64(v.Parts))
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// appendMap writes m's pairs in key order, so that equal maps encode to
// equal bytes.
func appendMap(dst []byte, m map[string]string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(m)))
	switch len(m) {
	case 0:
		return dst
	case 1:
		for k, v := range m {
			dst = appendString(dst, k)
			dst = appendString(dst, v)
		}
		return dst
	}
	var buf [8]string
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		dst = appendString(dst, k)
		dst = appendString(dst, m[k])
	}
	return dst
}

// errCorruptRecord is a binary record that ends early or has bytes left over.
var errCorruptRecord = errors.New("corrupt object record")

// decodeObject decodes a record of the s3.object table, binary or JSON.
func decodeObject(b []byte) (*objectVersion, error) {
	v := &objectVersion{}
	if len(b) == 0 || b[0] != objectRecordV1 {
		if err := json.Unmarshal(b, v); err != nil {
			return nil, err
		}
		return v, nil
	}
	d := binrec.NewReader(b[1:])
	v.Key = d.Str()
	v.VersionID = d.Str()
	v.Seq = d.Uvarint()
	v.DeleteMarker = d.Byte()&1 != 0
	v.Size = d.Varint()
	v.ETag = d.Str()
	sec, nsec := d.Varint(), d.Uvarint()
	if nsec >= uint64(time.Second) {
		d.Fail(errCorruptRecord)
	}
	v.Modified = time.Unix(sec, int64(nsec)).UTC()
	if n := d.Count(1); n > 0 {
		v.Segments = make([]segment, n)
		for i := range v.Segments {
			s := &v.Segments[i]
			s.Blob, s.Off, s.Size, s.Packed = d.Str(), d.Varint(), d.Varint(), d.Byte() != 0
		}
	}
	v.Headers = readStringMap(d)
	v.Meta = readStringMap(d)
	v.ChecksumAlg = d.Str()
	v.Checksum = d.Str()
	v.ChecksumType = d.Str()
	parts := d.Uvarint()
	if parts > math.MaxInt32 {
		d.Fail(errCorruptRecord)
	}
	v.Parts = int(parts)
	if d.Err() != nil || d.Len() != 0 {
		return nil, errCorruptRecord
	}
	return v, nil
}

// readStringMap reads what appendStringMap wrote.
func readStringMap(d *binrec.Reader) map[string]string {
	n := d.Count(2)
	if n == 0 {
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := d.Str()
		m[k] = d.Str()
	}
	return m
}
