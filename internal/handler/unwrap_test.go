package handler

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
)

func TestUnwrap(t *testing.T) {
	tests := []struct {
		name     string
		file     string // testdata file holding the body
		body     string // or the body itself
		wantKeys []string
		wantTest bool
		wantErr  string
	}{
		{name: "unwraps an S3 event from an SNS envelope", file: "sns-put.json", wantKeys: []string{"uploads/cat photo.jpg"}},
		{name: "reads an S3 event delivered raw", file: "s3-put.json", wantKeys: []string{"uploads/cat photo.jpg"}},
		{name: "keeps every record of a wrapped event", file: "sns-multi.json", wantKeys: []string{"uploads/a.png", "uploads/b.gif"}},
		{name: "keeps every record of a raw event", file: "s3-multi.json", wantKeys: []string{"uploads/a.png", "uploads/b.gif"}},
		{
			name: "decodes keys as S3 encodes them", file: "s3-encoded-keys.json",
			wantKeys: []string{"uploads/cat photo.jpg", "uploads/a+b.png", "uploads/café ☕.gif", "uploads/100% sure.jpg", "uploads/写真.webp"},
		},
		{name: "keeps records of any event type", file: "s3-removed.json", wantKeys: []string{"uploads/cat.jpg"}},
		{name: "recognizes a wrapped s3:TestEvent", file: "sns-test-event.json", wantTest: true},
		{name: "recognizes a raw s3:TestEvent", file: "s3-test-event.json", wantTest: true},
		{
			name: "rejects JSON that is not an S3 event", file: "not-s3.json",
			wantErr: "unrecognized message body: no Records and not an s3:TestEvent",
		},
		{
			name: "rejects an SNS subscription confirmation", file: "sns-subscription-confirmation.json",
			wantErr: "unrecognized message body: no Records and not an s3:TestEvent",
		},
		{
			name: "rejects a body that is not JSON", body: "hello",
			wantErr: "unrecognized message body: decode json: invalid character 'h' looking for beginning of value",
		},
		{
			name: "rejects an empty body", body: "",
			wantErr: "unrecognized message body: decode json: unexpected end of JSON input",
		},
		{
			name: "rejects a JSON array", body: `[{"Records":[]}]`,
			wantErr: "unrecognized message body: decode json: json: cannot unmarshal array into Go value of type handler.envelope",
		},
		{
			name: "rejects an envelope whose message is not JSON", body: `{"Type":"Notification","Message":"hello"}`,
			wantErr: "sns message: unrecognized message body: decode json: invalid character 'h' looking for beginning of value",
		},
		{
			name: "removes one SNS envelope only", body: `{"Type":"Notification","Message":"{\"Type\":\"Notification\",\"Message\":\"{}\"}"}`,
			wantErr: "unrecognized message body: no Records and not an s3:TestEvent",
		},
		{
			name: "rejects an event without records", body: `{"Records":[]}`,
			wantErr: "unrecognized message body: s3 event has no records",
		},
		{
			name: "rejects null records", body: `{"Records":null}`,
			wantErr: "unrecognized message body: no Records and not an s3:TestEvent",
		},
		{
			name: "rejects a record without a bucket", body: `{"Records":[{"eventName":"ObjectCreated:Put","s3":{"object":{"key":"uploads/a"}}}]}`,
			wantErr: "unrecognized message body: record 0 has no bucket name",
		},
		{
			name: "rejects a record without a key", body: `{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{}}}]}`,
			wantErr: "unrecognized message body: record 0 has no object key",
		},
		{
			name: "rejects a key with a malformed escape", body: `{"Records":[{"s3":{"bucket":{"name":"b"},"object":{"key":"uploads/100%.jpg"}}}]}`,
			wantErr: `unrecognized message body: decode s3 event: invalid URL escape "%.j"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := tt.body
			if tt.file != "" {
				body = string(readTestdata(t, tt.file))
			}

			n, err := Unwrap(body)

			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Unwrap error = %v, want %q", err, tt.wantErr)
				}
				if !errors.Is(err, ErrUnrecognizedBody) {
					t.Errorf("error %v does not wrap ErrUnrecognizedBody", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Unwrap: %v", err)
			}
			if (n.Test != nil) != tt.wantTest {
				t.Errorf("Test = %+v, want a test event: %v", n.Test, tt.wantTest)
			}
			keys := []string{}
			for _, r := range n.Records {
				keys = append(keys, r.S3.Object.URLDecodedKey)
			}
			if want := tt.wantKeys; !slices.Equal(keys, want) {
				t.Errorf("keys = %q, want %q", keys, want)
			}
		})
	}
}

func TestUnwrap_keepsTheRecordFields(t *testing.T) {
	n, err := Unwrap(string(readTestdata(t, "sns-multi.json")))
	if err != nil {
		t.Fatal(err)
	}
	r := n.Records[1]
	got := []string{r.EventName, r.S3.Bucket.Name, r.S3.Object.Key, r.S3.Object.ETag, r.EventTime.Format("2006-01-02T15:04:05.000Z07:00")}
	want := []string{"ObjectCreated:Put", testBucket, "uploads/b.gif", "0123456789abcdef0123456789abcdef", "2024-05-01T12:00:00.123Z"}
	if !slices.Equal(got, want) {
		t.Errorf("record fields = %q, want %q", got, want)
	}
	if r.S3.Object.Size != 1024 {
		t.Errorf("size = %d, want 1024", r.S3.Object.Size)
	}
}

func TestUnwrap_readsTheTestEvent(t *testing.T) {
	n, err := Unwrap(string(readTestdata(t, "sns-test-event.json")))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(n.Test)
	want := `{"Service":"Amazon S3","Bucket":"` + testBucket + `","Event":"s3:TestEvent","Time":"2024-05-01T11:59:58.041Z",` +
		`"RequestId":"5582815E1AEA5ADF","HostId":"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YYPn7pOvRKlJgi0yZL0QZqBBmVZU4AA="}`
	if string(got) != want {
		t.Errorf("test event = %s, want %s", got, want)
	}
}
