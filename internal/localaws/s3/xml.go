package s3

import (
	"bytes"
	"crypto/rand"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// xmlns is the namespace of S3's XML documents.
const xmlns = "http://s3.amazonaws.com/doc/2006-03-01/"

// maxXMLBody bounds the XML body of a bucket configuration or a multipart
// completion (10,000 parts with checksums fit in well under 2 MiB); a
// DeleteObjects body of 1,000 keys of 1 KiB fits too.
const maxXMLBody = 4 << 20

// timeFormat is the ISO 8601 shape S3 uses for timestamps in XML.
const timeFormat = "2006-01-02T15:04:05.000Z"

// isoTime formats t as S3 does in XML bodies.
func isoTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// httpTime formats t for Last-Modified.
func httpTime(t time.Time) string { return t.UTC().Format(http.TimeFormat) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// writeXML writes v as an XML document with status 200.
func writeXML(w http.ResponseWriter, v any) error {
	body, err := xml.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(xml.Header)+len(body)))
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, xml.Header)
	_, err = w.Write(body)
	return err
}

// readXML reads a bounded request body (decoding aws-chunked framing and
// verifying Content-MD5 and checksums when sent) and decodes it into v.
// A body that does not parse is MalformedXML.
func readXML(r *http.Request, v any) ([]byte, error) {
	body, err := readSmallBody(r, maxXMLBody)
	if err != nil {
		return nil, err
	}
	if err := decodeXML(body, v); err != nil {
		return nil, err
	}
	return body, nil
}

// decodeXML unmarshals one XML document into v, rejecting trailing data.
func decodeXML(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errMalformedXML()
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return errMalformedXML()
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return errMalformedXML()
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return errMalformedXML()
			}
		case xml.Comment, xml.ProcInst:
		default:
			return errMalformedXML()
		}
	}
}

// readSmallBody reads a whole request body of at most max decoded bytes
// through the same decoding and verification as object bodies.
func readSmallBody(r *http.Request, max int64) ([]byte, error) {
	in, err := newIngest(r, max, "")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := in.copyTo(&buf); err != nil {
		return nil, err
	}
	if _, err := in.verify(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// urlEncode encodes a key or prefix for encoding-type=url listings: every
// byte except unreserved characters and "/" is percent-encoded (a space is
// %20 and "+" is %2B), which both url.PathUnescape (SDKs) and
// urllib.parse.unquote_plus (botocore) decode back exactly.
func urlEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// versionIDLength is the length of the version IDs this service generates.
const versionIDLength = 32

// newVersionID returns a random version ID of 32 URL-safe characters.
func newVersionID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"
	var b [versionIDLength]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[b[i]&63]
	}
	return string(b[:])
}

// newUploadID returns a random multipart upload ID.
func newUploadID() string { return newVersionID() + newVersionID() }

// owner is the bucket and object owner in listings: the account's canonical
// user.
type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName,omitempty"`
}

// asAWSError returns err as an *awsproto.Error, if it is one.
func asAWSError(err error) (*awsproto.Error, bool) {
	var e *awsproto.Error
	ok := errors.As(err, &e)
	return e, ok
}
