package tailcmd

import (
	"testing"
	"time"
)

func TestSince(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		value string
		want  time.Time
	}{
		{"minutes go back from now", "10m", now.Add(-10 * time.Minute)},
		{"hours go back from now", "1h", now.Add(-time.Hour)},
		{"days are 24 hours", "2d", now.Add(-48 * time.Hour)},
		{"weeks are 7 days", "1w", now.Add(-7 * 24 * time.Hour)},
		{"days combine with hours", "1d12h", now.Add(-36 * time.Hour)},
		{"an RFC 3339 time is taken as is", "2026-11-28T11:30:00Z", time.Date(2026, 11, 28, 11, 30, 0, 0, time.UTC)},
		{"an RFC 3339 time keeps its offset", "2026-11-28T12:30:00+01:00", time.Date(2026, 11, 28, 11, 30, 0, 0, time.UTC)},
		{"a time without zone is local", "2026-11-28T11:30", time.Date(2026, 11, 28, 11, 30, 0, 0, time.Local)},
		{"a date is local midnight", "2026-11-27", time.Date(2026, 11, 27, 0, 0, 0, 0, time.Local)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Since
			if err := s.Set(tt.value); err != nil {
				t.Fatal(err)
			}
			if got := s.Start(now); !got.Equal(tt.want) {
				t.Errorf("Start = %v, want %v", got, tt.want)
			}
			if s.String() != tt.value {
				t.Errorf("String = %q, want %q", s.String(), tt.value)
			}
		})
	}
}

func TestSince_refuses(t *testing.T) {
	for name, value := range map[string]string{
		"a word":                "yesterday",
		"an empty value":        "",
		"a negative span":       "-5m",
		"a unit alone":          "d",
		"a malformed date":      "2026-13-01",
		"a number without unit": "10",
	} {
		t.Run(name, func(t *testing.T) {
			var s Since
			if err := s.Set(value); err == nil {
				t.Errorf("Set(%q) = nil, want an error", value)
			}
		})
	}
}
