package sqs

import (
	"encoding/base64"
	"encoding/binary"
)

// handlePrefix makes receipt handles look like AWS's, which start "AQEB".
const handlePrefix = "AQEB"

// encodeHandle returns handlePrefix and b in unpadded URL-safe base64.
func encodeHandle(b []byte) string {
	var buf [64]byte
	n := len(handlePrefix) + base64.RawURLEncoding.EncodedLen(len(b))
	h := buf[:0]
	if n > len(buf) {
		h = make([]byte, 0, n)
	}
	h = append(h, handlePrefix...)
	h = base64.RawURLEncoding.AppendEncode(h, b)
	return string(h)
}

// parseHandle decodes a receipt handle; ok is false for anything this
// service did not issue.
func parseHandle(h string) (queueID, seq, nonce uint64, ok bool) {
	if len(h) <= len(handlePrefix) || h[:len(handlePrefix)] != handlePrefix {
		return 0, 0, 0, false
	}
	b, err := base64.RawURLEncoding.DecodeString(h[len(handlePrefix):])
	if err != nil || len(b) != 24 {
		return 0, 0, 0, false
	}
	return binary.BigEndian.Uint64(b[0:]), binary.BigEndian.Uint64(b[8:]), binary.BigEndian.Uint64(b[16:]), true
}
