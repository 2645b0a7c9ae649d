package config

import "testing"

func TestSuggest(t *testing.T) {
	tests := []struct {
		name   string
		key    string
		fields []field
		want   string
	}{
		{"a one-letter typo suggests the key", "batchsise", consumerFields, "batchSize"},
		{"a swap of adjacent letters counts as one edit", "nmae", consumerFields, "name"},
		{"case is ignored", "MAXCONCURENCY", consumerFields, "maxConcurrency"},
		{"a distant word suggests nothing", "colour", schema, ""},
		{"a short key allows one edit only", "nmx", consumerFields, ""},
		{"a nested key at the wrong level suggests its path", "retentionDays", schema, "logs.retentionDays"},
		{"keys inside lists are not suggested by path", "batchSize", schema, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := suggest(tt.key, tt.fields); got != tt.want {
				t.Errorf("suggest(%q) = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"kitten", "sitting", 3},
		{"name", "nmae", 1},
		{"batchsize", "batchsise", 1},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
