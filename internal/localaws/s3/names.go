package s3

import (
	"net/http"
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// maxKeyLength is the longest object key S3 accepts, in UTF-8 bytes
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html).
const maxKeyLength = 1024

// validBucketName applies S3's general purpose bucket naming rules
// (AWS-RULES S1, https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
func validBucketName(name string) bool {
	if len(name) < 3 || len(name) > 63 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	alnum := func(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }
	if !alnum(name[0]) || !alnum(name[len(name)-1]) || strings.Contains(name, "..") {
		return false
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return false
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return false
		}
	}
	for _, suffix := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, suffix) {
			return false
		}
	}
	return true
}

// checkKey rejects keys S3 (or this store) cannot hold: longer than 1024
// bytes (KeyTooLongError), not UTF-8, or containing NUL.
func checkKey(key string) error {
	if len(key) > maxKeyLength {
		return &awsproto.Error{Code: "KeyTooLongError", Status: http.StatusBadRequest, Message: "Your key is too long",
			Fields: map[string]string{"Size": itoa(int64(len(key))), "MaxSizeAllowed": itoa(maxKeyLength)}}
	}
	if !utf8.ValidString(key) || strings.ContainsRune(key, 0) {
		return errInvalidArgument("", "", "Object key is not valid UTF-8 or contains NUL.")
	}
	return nil
}

// validVersionID reports whether id could be a version ID this service hands
// out: "null" or newVersionID's shape.
func validVersionID(id string) bool {
	if id == nullVersion {
		return true
	}
	if len(id) != versionIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}
