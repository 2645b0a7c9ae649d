package sqs

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"sort"
	"unsafe"
)

// md5Hex returns the MD5 of s in lowercase hex.
func md5Hex(s string) string {
	// md5.Sum only reads its argument: s's bytes need no copy.
	sum := md5.Sum(unsafe.Slice(unsafe.StringData(s), len(s)))
	var h [2 * md5.Size]byte
	hex.Encode(h[:], sum[:])
	return string(h[:])
}

// md5OfAttributes is MD5OfMessageAttributes as SQS computes it and the SDKs
// verify it (aws-sdk-java MessageMD5ChecksumHandler; "Calculating the MD5
// message digest for message attributes" in the SQS Developer Guide): over
// the attributes sorted by name, each encoded as the name, the data type,
// a transport byte (1 for a string value, 2 for a binary value; validation
// makes String and Number types carry a string, Binary types bytes) and the
// value, where every string and byte field is preceded by its length as a
// 4-byte big-endian integer. It is "" when there are no attributes.
func md5OfAttributes(attrs map[string]MessageAttribute) string {
	if len(attrs) == 0 {
		return ""
	}
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	h := md5.New()
	var buf []byte
	field := func(b []byte) {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(b)))
		buf = append(buf, b...)
	}
	for _, n := range names {
		a := attrs[n]
		field([]byte(n))
		field([]byte(a.DataType))
		if a.StringValue == "" && a.BinaryValue != nil {
			buf = append(buf, 2)
			field(a.BinaryValue)
		} else {
			buf = append(buf, 1)
			field([]byte(a.StringValue))
		}
	}
	h.Write(buf)
	return hex.EncodeToString(h.Sum(nil))
}
