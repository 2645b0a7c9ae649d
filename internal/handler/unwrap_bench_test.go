package handler

import "testing"

// BenchmarkUnwrap measures decoding one SQS message body: an S3 event of
// one record in an SNS envelope, as the pipeline delivers it.
func BenchmarkUnwrap(b *testing.B) {
	body := string(readTestdata(b, "sns-put.json"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Unwrap(body); err != nil {
			b.Fatal(err)
		}
	}
}
