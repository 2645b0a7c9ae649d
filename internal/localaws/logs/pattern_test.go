package logs

import (
	"testing"
)

func TestPatternMatch(t *testing.T) {
	const (
		plain = `[ERROR] 2026-03-01 upload failed: Exception in uploads/cat.jpg`
		warn  = `[WARN] retrying`
		js    = `{"key": "uploads/cat.jpg", "outcome": "error", "durationMs": 142.5, "size": 2048, "ok": false, "none": null,
			"user": {"name": "ann", "tags": ["a", "b"]}, "code": 404}`
		jsOK   = `{"key": "thumbnails/cat.jpg", "outcome": "ok", "durationMs": 12, "ok": true}`
		access = `127.0.0.1 frank [10/Oct/2026:13:55:36 +0000] "GET /uploads/cat.jpg HTTP/1.1" 404 2326`
	)
	tests := map[string]struct {
		pattern string
		msg     string
		want    bool
	}{
		"the empty pattern matches everything":                {"", plain, true},
		"blank space matches everything":                      {"   ", warn, true},
		"an empty quoted pattern matches everything":          {`""`, warn, true},
		"a term matches a substring":                          {"ERROR", plain, true},
		"terms are case-sensitive":                            {"error", plain, false},
		"every term must occur":                               {"ERROR Exception", plain, true},
		"a missing term fails the match":                      {"ERROR Timeout", plain, false},
		"a quoted phrase must occur verbatim":                 {`"upload failed"`, plain, true},
		"a quoted phrase out of order fails":                  {`"failed upload"`, plain, false},
		"a quoted phrase may hold punctuation":                {`"[ERROR]"`, plain, true},
		"an escaped quote in a phrase":                        {`"say \"hi\""`, `they say "hi"`, true},
		"?terms match when any occurs":                        {"?ERROR ?WARN", warn, true},
		"?terms fail when none occurs":                        {"?ERROR ?FATAL", warn, false},
		"?terms combine with required terms":                  {"retrying ?ERROR ?WARN", warn, true},
		"an exclusion rejects a message containing it":        {"ERROR -Exception", plain, false},
		"an exclusion keeps a message without it":             {"ERROR -Timeout", plain, true},
		"a quoted exclusion":                                  {`-"upload failed"`, plain, false},
		"a regular expression":                                {`%upload[s]?/[a-z]+\.jpg%`, plain, true},
		"a regular expression that does not match":            {`%^\[WARN\]%`, plain, false},
		"a JSON string equality":                              {`{ $.outcome = "error" }`, js, true},
		"a JSON string inequality":                            {`{ $.outcome != "error" }`, jsOK, true},
		"a JSON string equality that fails":                   {`{ $.outcome = "error" }`, jsOK, false},
		"a JSON wildcard prefix":                              {`{ $.key = "uploads/*" }`, js, true},
		"a JSON wildcard that does not match":                 {`{ $.key = "uploads/*" }`, jsOK, false},
		"a JSON wildcard in the middle":                       {`{ $.key = "up*/*.jpg" }`, js, true},
		"a JSON bare-word value":                              {`{ $.outcome = error }`, js, true},
		"a JSON numeric comparison":                           {`{ $.durationMs > 100 }`, js, true},
		"a JSON numeric comparison that fails":                {`{ $.durationMs > 100 }`, jsOK, false},
		"a JSON numeric <=":                                   {`{ $.size <= 2048 }`, js, true},
		"a JSON numeric !=":                                   {`{ $.code != 200 }`, js, true},
		"a JSON numeric = with a float":                       {`{ $.durationMs = 142.5 }`, js, true},
		"a JSON number compared as a quoted string":           {`{ $.code = "404" }`, js, true},
		"a numeric comparison on a string never matches":      {`{ $.outcome > 1 }`, js, false},
		"JSON && requires both":                               {`{ $.outcome = "error" && $.durationMs > 1000 }`, js, false},
		"JSON || requires either":                             {`{ $.outcome = "ok" || $.durationMs > 100 }`, js, true},
		"JSON && binds tighter than ||":                       {`{ $.outcome = "ok" && $.size = 1 || $.code = 404 }`, js, true},
		"JSON parentheses group":                              {`{ ($.outcome = "ok" || $.code = 404) && $.size = 2048 }`, js, true},
		"JSON nested member":                                  {`{ $.user.name = "ann" }`, js, true},
		"JSON array index":                                    {`{ $.user.tags[1] = "b" }`, js, true},
		"JSON array index out of range":                       {`{ $.user.tags[5] = "b" }`, js, false},
		"JSON IS NULL":                                        {`{ $.none IS NULL }`, js, true},
		"JSON IS NULL on a present value":                     {`{ $.outcome IS NULL }`, js, false},
		"JSON NOT EXISTS on a missing member":                 {`{ $.missing NOT EXISTS }`, js, true},
		"JSON NOT EXISTS on a present member":                 {`{ $.outcome NOT EXISTS }`, js, false},
		"JSON IS TRUE":                                        {`{ $.ok IS TRUE }`, jsOK, true},
		"JSON IS FALSE":                                       {`{ $.ok IS FALSE }`, js, true},
		"JSON regular expression value":                       {`{ $.key = %\.jpg$% }`, js, true},
		"a missing member matches no comparison, not even !=": {`{ $.missing != "x" }`, js, false},
		"a JSON pattern never matches a plain message":        {`{ $.outcome NOT EXISTS }`, plain, false},
		"a JSON pattern never matches a JSON array":           {`{ $[0] = 1 }`, `[1]`, false},
		"space-delimited fields by count":                     {`[ip, user, ts, request, status, bytes]`, access, true},
		"space-delimited with too few slots":                  {`[ip, user, ts, request, status]`, access, false},
		"space-delimited equality":                            {`[ip, user, ts, request, status = 404, bytes]`, access, true},
		"space-delimited equality that fails":                 {`[ip, user, ts, request, status = 200, bytes]`, access, false},
		"space-delimited wildcard":                            {`[ip, user, ts, request, status = 4*, bytes]`, access, true},
		"space-delimited quoted field with a wildcard":        {`[ip, user, ts, request = "GET *.jpg HTTP/1.1", ...]`, access, true},
		"space-delimited bracketed field":                     {`[ip, user, ts = "10/Oct/2026:13:55:36 +0000", ...]`, access, true},
		"space-delimited numeric comparison":                  {`[..., bytes > 1000]`, access, true},
		"space-delimited numeric comparison that fails":       {`[..., bytes < 1000]`, access, false},
		"space-delimited OR on one field":                     {`[ip, user, ts, request, status = 410 || status = 404, bytes]`, access, true},
		"space-delimited AND on one field":                    {`[..., status >= 400 && status < 500, bytes]`, access, true},
		"space-delimited ellipsis in the middle":              {`[ip, ..., bytes = 2326]`, access, true},
		"space-delimited ellipsis matching nothing":           {`[ip, ..., user, ts, request, status, bytes]`, access, true},
		"space-delimited != ":                                 {`[ip != 10.*, ...]`, access, true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p, err := CompilePattern(tt.pattern)
			if err != nil {
				t.Fatalf("compile %q: %v", tt.pattern, err)
			}
			if got := p.Match(tt.msg); got != tt.want {
				t.Errorf("%q matches %q = %v, want %v", tt.pattern, tt.msg, got, tt.want)
			}
		})
	}
}

func TestCompilePatternRejectsInvalidPatterns(t *testing.T) {
	tests := map[string]string{
		"an unterminated phrase":                   `"upload failed`,
		"a lone ?":                                 `ERROR ?`,
		"a lone -":                                 `- ERROR`,
		"an unquoted brace":                        `ERROR}`,
		"an unclosed JSON pattern":                 `{ $.a = 1`,
		"an empty JSON pattern":                    `{ }`,
		"a JSON pattern without an operator":       `{ $.a }`,
		"a JSON pattern without a value":           `{ $.a = }`,
		"a JSON pattern without a selector":        `{ a = 1 }`,
		"a JSON pattern with a dangling &&":        `{ $.a = 1 && }`,
		"a JSON pattern with an unclosed (":        `{ ($.a = 1 }`,
		"a JSON pattern with a stray )":            `{ $.a = 1) }`,
		"a string compared with >":                 `{ $.a > "x" }`,
		"a bad selector":                           `{ $..a = 1 }`,
		"a bad array index":                        `{ $.a[x] = 1 }`,
		"a bad IS check":                           `{ $.a IS MAYBE }`,
		"a bad regular expression":                 `%(%`,
		"an unclosed space-delimited pattern":      `[ip, user`,
		"a condition on another field":             `[ip, user = a, status = 404 || ip = 1]`,
		"a space-delimited string compared with <": `[ip, status < "x"]`,
		"a space-delimited slot without a name":    `[ip, = 404]`,
		"a pattern over 1024 characters":           "a" + string(make([]byte, 1024)),
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := CompilePattern(src); err == nil {
				t.Errorf("CompilePattern(%q) succeeded, want an error", src)
			}
		})
	}
}

func TestWildcardMatch(t *testing.T) {
	tests := map[string]struct {
		pattern, s string
		want       bool
	}{
		"no wildcard is equality":              {"abc", "abc", true},
		"no wildcard differs":                  {"abc", "abcd", false},
		"a lone star matches anything":         {"*", "", true},
		"a trailing star is a prefix":          {"ab*", "abc", true},
		"a leading star is a suffix":           {"*bc", "abc", true},
		"stars in the middle keep order":       {"a*c*e", "abcde", true},
		"stars in the middle out of order":     {"a*e*c", "abcde", false},
		"prefix and suffix must not overlap":   {"ab*ba", "aba", false},
		"adjacent stars act as one":            {"a**b", "ab", true},
		"the suffix must be at the very end":   {"a*b", "abc", false},
		"the prefix must be at the very start": {"b*", "abc", false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := wildcardMatch(tt.pattern, tt.s); got != tt.want {
				t.Errorf("wildcardMatch(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
			}
		})
	}
}

// FuzzPattern checks that compiling and matching any pattern against any
// message never panics, and that a compiled pattern answers consistently.
func FuzzPattern(f *testing.F) {
	for _, s := range []string{"", "ERROR", "[a, ..., b = 4* || b > 3, c]", `"a b" ?c -d`, `{ $.a = "x*" && ($.b > 1 || $.c NOT EXISTS) }`, `%a+%`, `{ $.a[0].b IS NULL }`, `{`, `"`} {
		f.Add(s, `{"a": "xy", "b": 2, "c": null}`)
	}
	f.Fuzz(func(t *testing.T, pattern, msg string) {
		p, err := CompilePattern(pattern)
		if err != nil {
			return
		}
		if p.Match(msg) != p.Match(msg) {
			t.Fatalf("pattern %q answers inconsistently for %q", pattern, msg)
		}
	})
}
