package tailcmd

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Since is the start of the window --since names: either a span before now
// ("10m", "1h", "2d", "1w", or any time.ParseDuration form) or an instant
// (RFC 3339 "2026-11-28T12:00:00Z", "2026-11-28T12:00:00" and
// "2026-11-28T12:00" in local time, or a date "2026-11-28" at local
// midnight). It implements pflag.Value, so a malformed value is a flag error.
type Since struct {
	Ago time.Duration // used when At is zero
	At  time.Time
	raw string
}

// sinceLayouts are the ISO 8601 forms --since accepts besides RFC 3339.
var sinceLayouts = []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}

// Set parses s; see Since.
func (s *Since) Set(v string) error {
	v = strings.TrimSpace(v)
	if d, err := parseSpan(v); err == nil {
		if d < 0 {
			return fmt.Errorf("%q is negative: give how long ago, e.g. 10m", v)
		}
		*s = Since{Ago: d, raw: v}
		return nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		*s = Since{At: t, raw: v}
		return nil
	}
	for _, layout := range sinceLayouts {
		if t, err := time.ParseInLocation(layout, v, time.Local); err == nil {
			*s = Since{At: t, raw: v}
			return nil
		}
	}
	return fmt.Errorf("%q is neither a duration (10m, 1h, 2d) nor an ISO 8601 time (2026-11-28T12:00:00Z)", v)
}

// parseSpan parses a duration with the extra units d (24 h) and w (7 d),
// alone ("2d") or as a prefix ("1d12h").
func parseSpan(v string) (time.Duration, error) {
	if v == "" {
		return 0, errors.New("empty duration")
	}
	var total time.Duration
	rest := v
	for _, unit := range []struct {
		suffix string
		size   time.Duration
	}{{"w", 7 * 24 * time.Hour}, {"d", 24 * time.Hour}} {
		i := strings.Index(rest, unit.suffix)
		if i <= 0 {
			continue
		}
		n, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil {
			return 0, err
		}
		total += time.Duration(n * float64(unit.size))
		rest = rest[i+1:]
	}
	if rest == "" {
		return total, nil
	}
	d, err := time.ParseDuration(rest)
	return total + d, err
}

// Start is the first instant of the window for a command started at now.
func (s Since) Start(now time.Time) time.Time {
	if !s.At.IsZero() {
		return s.At
	}
	return now.Add(-s.Ago)
}

// String returns the value as given.
func (s *Since) String() string { return s.raw }

// Type names the value in --help.
func (s *Since) Type() string { return "duration|time" }
