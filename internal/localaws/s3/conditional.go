package s3

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// etagMatches reports whether an If-Match / If-None-Match header value
// (a list of quoted or bare ETags, or *) matches etag.
func etagMatches(header, etag string) bool {
	bare := strings.Trim(etag, `"`)
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		t = strings.TrimPrefix(t, "W/")
		if t == "*" || strings.Trim(t, `"`) == bare {
			return true
		}
	}
	return false
}

// Outcomes of readPreconditions.
const (
	condOK = iota
	condNotModified
	condFailed
)

// readPreconditions evaluates the conditional headers of GetObject and
// HeadObject in RFC 7232 order, as S3 documents them
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html):
// If-Match false → 412; else If-Unmodified-Since false (only without
// If-Match) → 412; If-None-Match matching → 304; else If-Modified-Since not
// modified (only without If-None-Match) → 304. Dates compare at one-second
// precision, as Last-Modified carries them.
func readPreconditions(h http.Header, etag string, modified time.Time) (int, string) {
	modified = modified.Truncate(time.Second)
	if v := h.Get("If-Match"); v != "" {
		if !etagMatches(v, etag) {
			return condFailed, "If-Match"
		}
	} else if t, ok := parseHTTPTime(h.Get("If-Unmodified-Since")); ok && modified.After(t) {
		return condFailed, "If-Unmodified-Since"
	}
	if v := h.Get("If-None-Match"); v != "" {
		if etagMatches(v, etag) {
			return condNotModified, ""
		}
	} else if t, ok := parseHTTPTime(h.Get("If-Modified-Since")); ok && !modified.After(t) {
		return condNotModified, ""
	}
	return condOK, ""
}

func parseHTTPTime(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, false
	}
	t, err := http.ParseTime(v)
	return t, err == nil
}

// parseRange interprets a Range header against an object of size bytes.
// ok is false when the header is absent or not a single byte range that S3
// would honour (S3 then sends the whole object); unsatisfiable is true for
// a well-formed range that selects no byte (416 InvalidRange).
func parseRange(header string, size int64) (start, length int64, ok, unsatisfiable bool) {
	spec, found := strings.CutPrefix(header, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, false
	}
	first, last, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, false
	}
	if first == "" { // suffix range: the last n bytes
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, false, false
		}
		if n == 0 || size == 0 {
			return 0, 0, false, true
		}
		n = min(n, size)
		return size - n, n, true, false
	}
	a, err := strconv.ParseInt(first, 10, 64)
	if err != nil || a < 0 {
		return 0, 0, false, false
	}
	end := size - 1
	if last != "" {
		b, err := strconv.ParseInt(last, 10, 64)
		if err != nil || b < a {
			return 0, 0, false, false
		}
		end = min(b, size-1)
	}
	if a >= size {
		return 0, 0, false, true
	}
	return a, end - a + 1, true, false
}
