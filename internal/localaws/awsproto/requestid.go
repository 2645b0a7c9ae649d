package awsproto

import (
	"crypto/rand"
	"encoding/hex"
)

// NewRequestID returns a random request ID shaped like AWS's
// (8-4-4-4-12 hex digits).
func NewRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
