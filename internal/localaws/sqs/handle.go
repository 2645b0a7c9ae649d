package sqs

import (
	"encoding/base64"
	"encoding/binary"
)

// handlePrefix makes receipt handles look like AWS's, which start "AQEB".
const handlePrefix = "AQEB"

func encodeHandle(b []byte) string {
	return handlePrefix + base64.RawURLEncoding.EncodeToString(b)
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
