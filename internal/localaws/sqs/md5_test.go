package sqs

import "testing"

func TestMD5OfAttributesMatchesWhatAWSSends(t *testing.T) {
	// The first vector is an SQS ReceiveMessage response recorded in boto's
	// test suite (tests/unit/sqs/test_connection.py): attributes Count
	// (Number 1) and Foo (String Bar), MD5OfMessageAttributes
	// 324758f82d026ac6ec5b31a3b192d1e3.
	for _, tc := range []struct {
		name  string
		attrs map[string]MessageAttribute
		want  string
	}{
		{"a number and a string recorded from AWS", map[string]MessageAttribute{
			"Foo":   {DataType: "String", StringValue: "Bar"},
			"Count": {DataType: "Number", StringValue: "1"},
		}, "324758f82d026ac6ec5b31a3b192d1e3"},
		{"no attributes", nil, ""},
	} {
		if got := md5OfAttributes(tc.attrs); got != tc.want {
			t.Errorf("%s: md5 = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestMD5OfAttributesTellsBinaryFromStringValues(t *testing.T) {
	str := md5OfAttributes(map[string]MessageAttribute{"a": {DataType: "String", StringValue: "xy"}})
	bin := md5OfAttributes(map[string]MessageAttribute{"a": {DataType: "String", BinaryValue: []byte("xy")}})
	if str == bin {
		t.Fatalf("a binary and a string value of the same bytes hash alike: %s", str)
	}
}
