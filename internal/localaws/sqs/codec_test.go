package sqs

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// sampleEntries exercises every field and flag of the binary format.
func sampleEntries(body string) []*logEntry {
	return []*logEntry{
		{Purges: []uint64{7, 1 << 40}},
		{Sends: []logMsg{
			{Q: 1, Seq: 100, ID: "0f8fad5b-d9cb-469f-a165-70867728950e", Body: body, SentAt: 1767322445000,
				SenderID: testAccount, Visible: 1767322445000},
			{Q: 1, Seq: 101, ID: "0F8FAD5B-D9CB-469F-A165-70867728950E", Body: "", SentAt: 1767322445001,
				SenderID: testAccount, Visible: 1767322455001, Attrs: map[string]MessageAttribute{
					"s": {DataType: "String", StringValue: "v"},
					"n": {DataType: "Number.int", StringValue: "-1"},
					"b": {DataType: "Binary", BinaryValue: []byte{0, 1, 255}},
				}},
			{Q: 300, Seq: 99, ID: "not a uuid", Body: "moved\x00\xff", SentAt: 1767322000000, SenderID: "123456789012",
				DLQSource: "arn:aws:sqs:us-east-1:000000000000:src", Visible: 0, Count: 3, First: 1767322100000,
				Nonce: 1<<64 - 1},
			{Q: 2, Seq: 1 << 63, ID: "", Body: body, SentAt: 0, SenderID: "", Visible: 1, Count: 1, First: 0, Nonce: 5},
		}},
		{
			States: []logState{{Q: 1, Seq: 100, Count: 1, First: 1767322446000, Visible: 1767322476000, Nonce: 42},
				{Q: 1, Seq: 3, Count: 0, First: 0, Visible: 0, Nonce: 0}},
			Dels: []logDel{{Q: 1, Seq: 101}, {Q: 300, Seq: 2}},
		},
		{Sends: []logMsg{{Q: 1, Seq: 102, ID: "c4ca4238-a0b9-4382-8dcc-509a6f75849b", Body: body, SentAt: 1767322445002,
			SenderID: testAccount, Visible: 1767322445002}},
			Dels: []logDel{{Q: 1, Seq: 100}}},
	}
}

func derefEntries(in []*logEntry) []logEntry {
	out := make([]logEntry, len(in))
	for i, e := range in {
		out[i] = *e
	}
	return out
}

func TestJournalRecordsRoundTripPlainAndCompressed(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		tag        byte
	}{
		{"a small record stays uncompressed", "x", recordBinary},
		{"a large record is compressed", strings.Repeat(`{"Records":[]}`, 200), recordS2Binary},
	} {
		in := sampleEntries(tc.body)
		b := encodeRecord(in)
		if b[0] != tc.tag {
			t.Errorf("%s: format tag %q, want %q", tc.name, b[0], tc.tag)
		}
		out, err := decodeRecord(b)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if want := derefEntries(in); !reflect.DeepEqual(out, want) {
			t.Fatalf("%s: decoded\n%+v\nwant\n%+v", tc.name, out, want)
		}
	}
}

func TestEncodedJournalRecordsDoNotShareBuffers(t *testing.T) {
	a := encodeRecord([]*logEntry{{Dels: []logDel{{Q: 1, Seq: 1}}}})
	keep := bytes.Clone(a)
	encodeRecord([]*logEntry{{Dels: []logDel{{Q: 2, Seq: 9}}}})
	if !bytes.Equal(a, keep) {
		t.Fatalf("a later encodeRecord changed an earlier record: %q, was %q", a, keep)
	}
}

// legacyRecord encodes entries as versions before the binary format did:
// JSON, DEFLATE-compressed behind a 'z' when compress is set.
func legacyRecord(t testing.TB, entries []*logEntry, compress bool) []byte {
	t.Helper()
	plain, err := json.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	if !compress {
		return plain
	}
	var buf bytes.Buffer
	buf.WriteByte('z')
	w, _ := flate.NewWriter(&buf, flate.BestSpeed)
	w.Write(plain)
	w.Close()
	return buf.Bytes()
}

func TestJournalRecordsInTheOldJSONFormatsStillDecode(t *testing.T) {
	// A record as the JSON format wrote it, byte for byte.
	const plain = `[{"s":[{"q":1,"n":5,"id":"0f8fad5b-d9cb-469f-a165-70867728950e","b":"hello",` +
		`"a":{"k":{"DataType":"Binary","BinaryValue":"AAE="}},"t":1767322445000,"f":"000000000000","v":1767322445000,` +
		`"c":2,"r":1767322446000,"h":77}],"u":[{"q":1,"n":4,"c":1,"r":1,"v":2,"h":3}],"d":[{"q":1,"n":3}],"p":[9]}]`
	want := []logEntry{{Purges: []uint64{9},
		Sends: []logMsg{{Q: 1, Seq: 5, ID: "0f8fad5b-d9cb-469f-a165-70867728950e", Body: "hello",
			Attrs: map[string]MessageAttribute{"k": {DataType: "Binary", BinaryValue: []byte{0, 1}}}, SentAt: 1767322445000,
			SenderID: testAccount, Visible: 1767322445000, Count: 2, First: 1767322446000, Nonce: 77}},
		States: []logState{{Q: 1, Seq: 4, Count: 1, First: 1, Visible: 2, Nonce: 3}},
		Dels:   []logDel{{Q: 1, Seq: 3}}}}
	got, err := decodeRecord([]byte(plain))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("plain JSON record decoded as\n%+v\nwant\n%+v", got, want)
	}

	in := sampleEntries(strings.Repeat("body ", 300))
	in[1].Sends[2].Body = "moved" // JSON cannot carry invalid UTF-8 (SQS refuses it anyway)
	for _, compress := range []bool{false, true} {
		got, err := decodeRecord(legacyRecord(t, in, compress))
		if err != nil {
			t.Fatalf("compressed=%v: %v", compress, err)
		}
		if want := derefEntries(in); !reflect.DeepEqual(got, want) {
			t.Fatalf("compressed=%v: decoded\n%+v\nwant\n%+v", compress, got, want)
		}
	}
}

func TestCorruptJournalRecordsAreErrors(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("?"), []byte("z\x00\x01garbage"), []byte("x\x00\x01garbage"), []byte("s\x00\x01garbage"),
		[]byte("s\xff\xff\xff\xff\x0f"), []byte("[{"),
		[]byte("b"), []byte("b\x01\x00\x00\x00\x00extra"), []byte("b\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01")} {
		if _, err := decodeRecord(b); err == nil {
			t.Errorf("decodeRecord(%q) succeeded", b)
		}
	}
}

func TestEveryTruncationOfABinaryRecordIsAnError(t *testing.T) {
	b := encodeRecord(sampleEntries("body"))
	if b[0] != recordBinary {
		t.Fatalf("format tag %q, want the uncompressed binary format", b[0])
	}
	for n := 1; n < len(b); n++ {
		if _, err := decodeRecord(b[:n]); err == nil {
			t.Errorf("decodeRecord of the first %d of %d bytes succeeded", n, len(b))
		}
	}
}

// FuzzDecodeRecord checks that no journal record, however corrupt, makes
// decoding panic, and that what decodes re-encodes to the same entries.
func FuzzDecodeRecord(f *testing.F) {
	for _, body := range []string{"x", strings.Repeat("y", 1000)} {
		f.Add(encodeRecord(sampleEntries(body)))
	}
	f.Add([]byte(`[{"d":[{"q":1,"n":3}]}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		group, err := decodeRecord(b)
		if err != nil || b[0] != recordBinary && b[0] != recordS2Binary {
			return // the older formats are only read, and may normalise differently
		}
		entries := make([]*logEntry, len(group))
		for i := range group {
			entries[i] = &group[i]
		}
		back, err := decodeRecord(encodeRecord(entries))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, group) {
			t.Fatalf("re-encoding changed the entries:\n%+v\n%+v", group, back)
		}
	})
}

func TestADataDirWithAJournalInTheOldJSONFormatsLoads(t *testing.T) {
	st, err := store.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := clock.NewFake(epoch)
	f := serve(t, st, c)
	url := f.createQueue(t, "q", nil)
	q, _ := f.svc.queueByName("q")
	f.srv.Close()
	f.svc.Close()

	sent := epoch.UnixMilli()
	big := strings.Repeat("compressed ", 200)
	msg := func(seq uint64, body string) logMsg {
		return logMsg{Q: q.id, Seq: seq, ID: newMessageID(), Body: body, SentAt: sent, SenderID: testAccount, Visible: sent}
	}
	records := [][]byte{
		legacyRecord(t, []*logEntry{{Sends: []logMsg{msg(1, "plain"), msg(2, "deleted")}}}, false),
		legacyRecord(t, []*logEntry{{Sends: []logMsg{msg(3, big)}}, {Dels: []logDel{{Q: q.id, Seq: 2}}}}, true),
	}
	if records[1][0] != recordFlateJSON {
		t.Fatalf("the second record is not DEFLATE-compressed JSON: %q", records[1][:1])
	}
	err = st.Update(func(tx *store.Tx) error {
		for i, r := range records {
			if err := tx.Put(tableLog, logKey(0, uint64(i+1)), r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	g := serve(t, st, c)
	url = g.srv.URL + "/" + testAccount + "/q"
	var bodies []string
	for _, m := range g.receive(t, url, 10) {
		bodies = append(bodies, aws.ToString(m.Body))
		if aws.ToString(m.MD5OfBody) != md5Hex(aws.ToString(m.Body)) {
			t.Errorf("MD5OfBody of %.10q = %s", aws.ToString(m.Body), aws.ToString(m.MD5OfBody))
		}
	}
	if want := []string{"plain", big}; !reflect.DeepEqual(bodies, want) {
		t.Fatalf("received %.40q after loading the old journal, want %.40q", bodies, want)
	}
	// New writes go to the journal after the old records and load back too.
	g.send(t, url, "new")
	g.srv.Close()
	g.svc.Close()
	h := serve(t, st, c)
	if got := h.attr(t, h.srv.URL+"/"+testAccount+"/q", "ApproximateNumberOfMessages"); got != "1" {
		t.Fatalf("ApproximateNumberOfMessages after a second restart = %s, want 1 (the new message)", got)
	}
}

func TestJournalRecordsInTheDeflateBinaryFormatStillDecode(t *testing.T) {
	// A record as the version before S2 wrote a large group: the binary
	// format, DEFLATE-compressed behind an 'x'.
	in := sampleEntries(strings.Repeat("body ", 300))
	plain := binary.AppendUvarint(nil, uint64(len(in)))
	for _, e := range in {
		plain = appendEntry(plain, e)
	}
	var buf bytes.Buffer
	buf.WriteByte(recordFlateBinary)
	w, _ := flate.NewWriter(&buf, flate.BestSpeed)
	w.Write(plain)
	w.Close()

	got, err := decodeRecord(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if want := derefEntries(in); !reflect.DeepEqual(got, want) {
		t.Fatalf("decoded\n%+v\nwant\n%+v", got, want)
	}
}
