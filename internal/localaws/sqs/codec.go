package sqs

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Journal records are JSON compressed with DEFLATE, behind a one-byte
// format tag. Compression keeps a group of messages within a database page
// or two: the store pays per page written (an overflow page costs about as
// much as half a commit), and message bodies (S3 event JSON) compress
// several times over.
const (
	recordFlateJSON = 'z' // DEFLATE-compressed JSON
	recordJSON      = '[' // plain JSON (a group starts with '[')
)

// minCompress is the size under which a record is stored as plain JSON: it
// fits a page anyway.
const minCompress = 768

var flateWriters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed)
	return w
}}

// encodeRecord encodes a journal record: a group of entries.
func encodeRecord(v any) ([]byte, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if len(plain) < minCompress {
		return plain, nil
	}
	var buf bytes.Buffer
	buf.Grow(len(plain)/3 + 16)
	buf.WriteByte(recordFlateJSON)
	w := flateWriters.Get().(*flate.Writer)
	defer flateWriters.Put(w)
	w.Reset(&buf)
	if _, err := w.Write(plain); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decodeRecord decodes a record written by encodeRecord into v.
func decodeRecord(b []byte, v any) error {
	if len(b) == 0 {
		return errors.New("empty journal record")
	}
	switch b[0] {
	case recordJSON:
		return json.Unmarshal(b, v)
	case recordFlateJSON:
		plain, err := io.ReadAll(flate.NewReader(bytes.NewReader(b[1:])))
		if err != nil {
			return fmt.Errorf("inflate journal record: %w", err)
		}
		return json.Unmarshal(plain, v)
	}
	return fmt.Errorf("unknown journal record format %q", b[0])
}
