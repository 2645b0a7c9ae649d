package config

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	bucketChars = regexp.MustCompile(`^[a-z0-9.-]+$`)
	ipShaped    = regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`)
)

// bucketNameProblems lists how name breaks the S3 general purpose bucket
// naming rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html),
// each as a predicate for the name ("must not contain \"..\""), in a fixed
// order. It returns nil for a legal name. tooLong reports whether the name
// exceeds the length limit.
func bucketNameProblems(name string) (out []string, tooLong bool) {
	if n := len(name); n < bucketNameMin || n > bucketNameMax {
		out = append(out, fmt.Sprintf("is %d characters, outside S3's range %d–%d", n, bucketNameMin, bucketNameMax))
		tooLong = n > bucketNameMax
	}
	if !bucketChars.MatchString(name) {
		out = append(out, `may contain only lowercase letters, digits, "." and "-"`)
	}
	if name != "" && (!isLowerAlnum(name[0]) || !isLowerAlnum(name[len(name)-1])) {
		out = append(out, "must start and end with a lowercase letter or digit")
	}
	if strings.Contains(name, "..") {
		out = append(out, `must not contain ".."`)
	}
	if ipShaped.MatchString(name) {
		out = append(out, "must not be formatted as an IP address")
	}
	for _, p := range bucketReservedPrefixes {
		if strings.HasPrefix(name, p) {
			out = append(out, fmt.Sprintf("must not start with the reserved prefix %q", p))
		}
	}
	for _, s := range bucketReservedSuffixes {
		if strings.HasSuffix(name, s) {
			out = append(out, fmt.Sprintf("must not end with the reserved suffix %q", s))
		}
	}
	return out, tooLong
}

func isLowerAlnum(b byte) bool { return (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') }
