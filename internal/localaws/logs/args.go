package logs

import (
	"encoding/base64"
	"strconv"
	"strings"
)

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// limitArg returns the request's limit, def when absent, refusing values
// outside 1..max as AWS's request validation does.
func limitArg(limit *int32, def, max int) (int, error) {
	if limit == nil {
		return def, nil
	}
	if *limit < 1 {
		return 0, validation(*limit, "limit", "Member must have value greater than or equal to 1")
	}
	if int(*limit) > max {
		return 0, validation(*limit, "limit", "Member must have value less than or equal to "+itoa(int64(max)))
	}
	return int(*limit), nil
}

// A pageToken is the position after which a Describe* listing continues:
// the last name returned and, for streams ordered by LastEventTime, its
// last event time.
type pageToken struct {
	ts   int64
	name string
}

// encodePageToken renders t as an opaque token. Tokens name the last item
// returned rather than an offset, so concurrent creations and deletions
// never make a page repeat or skip an item that exists throughout.
func encodePageToken(t pageToken) string {
	return base64.RawURLEncoding.EncodeToString([]byte(itoa(t.ts) + "/" + t.name))
}

func decodePageToken(s string) (pageToken, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return pageToken{}, false
	}
	ts, name, ok := strings.Cut(string(b), "/")
	n, err := strconv.ParseInt(ts, 10, 64)
	if !ok || err != nil {
		return pageToken{}, false
	}
	return pageToken{ts: n, name: name}, true
}
