package handler

import (
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzUnwrap checks that Unwrap never panics on any body, that it is a
// function of its input, that what it returns keeps its documented
// contract, and that wrapping a body in an SNS envelope does not change
// what it finds.
func FuzzUnwrap(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	for _, s := range []string{"", "null", "{}", "[]", `{"Records":null}`, `{"Type":"Notification","Message":"{}"}`,
		`{"Records":[{"s3":{"bucket":{"name":"b"},"object":{"key":"a%zz"}}}]}`} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, body string) {
		n, err := Unwrap(body)
		n2, err2 := Unwrap(body)
		if fingerprint(t, n, err) != fingerprint(t, n2, err2) {
			t.Fatalf("two calls disagree on %q", body)
		}
		if err != nil {
			if !errors.Is(err, ErrUnrecognizedBody) {
				t.Fatalf("error %v does not wrap ErrUnrecognizedBody", err)
			}
			if n.Test != nil || n.Records != nil {
				t.Fatalf("error %v with a result %+v", err, n)
			}
		} else {
			if (n.Test != nil) == (len(n.Records) > 0) {
				t.Fatalf("want a test event or records, not both or neither: %+v", n)
			}
			for i, r := range n.Records {
				key, err := url.QueryUnescape(r.S3.Object.Key)
				if r.S3.Bucket.Name == "" || r.S3.Object.Key == "" || err != nil || key != r.S3.Object.URLDecodedKey {
					t.Fatalf("record %d breaks the contract: %+v", i, r.S3)
				}
			}
		}

		// Unless the body is itself an SNS envelope, SNS wrapping must be
		// transparent. (Invalid UTF-8 would be rewritten by the wrapping.)
		var env envelope
		if json.Unmarshal([]byte(body), &env) == nil && env.isSNS() || !utf8.ValidString(body) {
			return
		}
		message, _ := json.Marshal(body)
		wrapped := `{"Type":"Notification","MessageId":"m","Message":` + string(message) + `}`
		nw, errw := Unwrap(wrapped)
		if (err == nil) != (errw == nil) || fingerprint(t, n, nil) != fingerprint(t, nw, nil) {
			t.Fatalf("wrapping changed the result:\nraw     %+v, %v\nwrapped %+v, %v", n, err, nw, errw)
		}
	})
}

// fingerprint renders a result comparably (time.Time values parsed twice
// need not be ==).
func fingerprint(t *testing.T, n Notification, err error) string {
	t.Helper()
	b, merr := json.Marshal(n)
	if merr != nil {
		t.Fatalf("marshal %+v: %v", n, merr)
	}
	if err != nil {
		return string(b) + " error: " + err.Error()
	}
	return string(b)
}
