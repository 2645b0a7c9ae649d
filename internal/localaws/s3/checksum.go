package s3

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"net/http"
	"strings"
	"sync"
)

// The flexible checksum algorithms S3 verifies and stores
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
const (
	algCRC32     = "CRC32"
	algCRC32C    = "CRC32C"
	algCRC64NVME = "CRC64NVME"
	algSHA1      = "SHA1"
	algSHA256    = "SHA256"
)

// Checksum types of an object's checksum: one over the whole object, or a
// checksum of the parts' checksums ("…-N") for a multipart upload.
const (
	typeFullObject = "FULL_OBJECT"
	typeComposite  = "COMPOSITE"
)

// algorithms lists every supported algorithm, in the order the response
// header is looked for.
var algorithms = []string{algCRC32, algCRC32C, algCRC64NVME, algSHA1, algSHA256}

// crc64NVMEPoly is the CRC-64/NVME polynomial in the reversed (LSB-first)
// form hash/crc64 expects; it is the constant aws-sdk-go-v2 uses
// (service/internal/checksum/algorithms.go: crc64NVME = 0x9a6c_9329_ac4b_c9b5).
const crc64NVMEPoly = 0x9a6c9329ac4bc9b5

var (
	crc64NVMETable = sync.OnceValue(func() *crc64.Table { return crc64.MakeTable(crc64NVMEPoly) })
	crc32CastTable = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })
)

// newChecksum returns a hash for a supported algorithm name (upper case),
// or nil.
func newChecksum(alg string) hash.Hash {
	switch alg {
	case algCRC32:
		return crc32.NewIEEE()
	case algCRC32C:
		return crc32.New(crc32CastTable())
	case algCRC64NVME:
		return crc64.New(crc64NVMETable())
	case algSHA1:
		return sha1.New()
	case algSHA256:
		return sha256.New()
	}
	return nil
}

// checksumSize is the length in bytes of an algorithm's digest.
func checksumSize(alg string) int {
	switch alg {
	case algCRC32, algCRC32C:
		return 4
	case algCRC64NVME:
		return 8
	case algSHA1:
		return sha1.Size
	case algSHA256:
		return sha256.Size
	}
	return 0
}

// checksumHeader is the x-amz-checksum-* header (and trailer) name of alg,
// in lower case.
func checksumHeader(alg string) string {
	switch alg {
	case algCRC32:
		return "x-amz-checksum-crc32"
	case algCRC32C:
		return "x-amz-checksum-crc32c"
	case algCRC64NVME:
		return "x-amz-checksum-crc64nvme"
	case algSHA1:
		return "x-amz-checksum-sha1"
	case algSHA256:
		return "x-amz-checksum-sha256"
	}
	return "x-amz-checksum-" + strings.ToLower(alg)
}

// canonicalChecksumHeader is checksumHeader in the canonical form of
// http.CanonicalHeaderKey, the form http.Header keys are in.
func canonicalChecksumHeader(alg string) string {
	switch alg {
	case algCRC32:
		return "X-Amz-Checksum-Crc32"
	case algCRC32C:
		return "X-Amz-Checksum-Crc32c"
	case algCRC64NVME:
		return "X-Amz-Checksum-Crc64nvme"
	case algSHA1:
		return "X-Amz-Checksum-Sha1"
	case algSHA256:
		return "X-Amz-Checksum-Sha256"
	}
	return http.CanonicalHeaderKey(checksumHeader(alg))
}

// decodeChecksum decodes a base64 checksum value of alg; ok is false when it
// is not a well-formed digest of that algorithm.
func decodeChecksum(alg, value string) ([]byte, bool) {
	b, err := base64.StdEncoding.DecodeString(value)
	if err != nil || len(b) != checksumSize(alg) {
		return nil, false
	}
	return b, true
}

// requestedChecksum finds the checksum a request announces: the algorithm
// and, when sent as a header, its value. A value sent as a trailer is only
// known once the body is read, so value is "" and trailer is true. It fails
// with InvalidRequest for an unknown algorithm or for several checksum
// headers, as S3 does.
func requestedChecksum(h http.Header) (alg, value string, trailer bool, err error) {
	for _, a := range algorithms {
		if v := h.Get(canonicalChecksumHeader(a)); v != "" {
			if alg != "" {
				return "", "", false, errInvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
			}
			alg, value = a, v
		}
	}
	if t := h.Get("X-Amz-Trailer"); t != "" {
		name := strings.ToLower(strings.TrimSpace(t))
		a, ok := algorithmOfHeader(name)
		if !ok {
			return "", "", false, errInvalidRequest("The value specified in the x-amz-trailer header is not supported")
		}
		if alg != "" && alg != a {
			return "", "", false, errInvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
		}
		return a, value, value == "", nil
	}
	if alg == "" {
		if a := strings.ToUpper(h.Get("X-Amz-Sdk-Checksum-Algorithm")); a != "" {
			if newChecksum(a) == nil {
				return "", "", false, errInvalidRequest("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
			}
			alg = a
		}
	}
	return alg, value, false, nil
}

// algorithmOfHeader maps "x-amz-checksum-crc32" to "CRC32".
func algorithmOfHeader(name string) (string, bool) {
	for _, a := range algorithms {
		if name == checksumHeader(a) {
			return a, true
		}
	}
	return "", false
}

// checksumFields are the Checksum* elements of S3's XML documents (copy
// results, parts, completions).
type checksumFields struct {
	ChecksumCRC32     string `xml:"ChecksumCRC32,omitempty"`
	ChecksumCRC32C    string `xml:"ChecksumCRC32C,omitempty"`
	ChecksumCRC64NVME string `xml:"ChecksumCRC64NVME,omitempty"`
	ChecksumSHA1      string `xml:"ChecksumSHA1,omitempty"`
	ChecksumSHA256    string `xml:"ChecksumSHA256,omitempty"`
}

func (c *checksumFields) field(alg string) *string {
	switch alg {
	case algCRC32:
		return &c.ChecksumCRC32
	case algCRC32C:
		return &c.ChecksumCRC32C
	case algCRC64NVME:
		return &c.ChecksumCRC64NVME
	case algSHA1:
		return &c.ChecksumSHA1
	case algSHA256:
		return &c.ChecksumSHA256
	}
	return nil
}

func (c *checksumFields) setChecksum(alg, value string) {
	if f := c.field(alg); f != nil {
		*f = value
	}
}

func (c *checksumFields) checksum(alg string) string {
	if f := c.field(alg); f != nil {
		return *f
	}
	return ""
}
