package s3

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
)

// Limits of the aws-chunked decoder.
const (
	maxChunkLine = 4 << 10 // a chunk header or trailer line
	maxTrailers  = 16
)

// errChunkFormat reports a body that is not valid aws-chunked encoding.
var errChunkFormat = errors.New("malformed aws-chunked body")

// A chunkReader decodes an aws-chunked body
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html and
// sigv4-streaming-trailers.html):
//
//	hex-size[;chunk-signature=sig]\r\n data \r\n … 0[;chunk-signature=sig]\r\n
//	[trailer-name:value\r\n …] \r\n
//
// Chunk signatures are not verified (the local AWS accepts any credentials).
// Trailers are available from Trailer once Read has returned io.EOF.
type chunkReader struct {
	r        *bufio.Reader
	left     int64 // bytes left in the current chunk
	started  bool  // a chunk has been read, so a CRLF precedes the next header
	done     bool
	err      error
	trailers map[string]string // lower-case names
}

func newChunkReader(r io.Reader) *chunkReader {
	return &chunkReader{r: bufio.NewReaderSize(r, maxChunkLine), trailers: map[string]string{}}
}

// Trailer returns the value of a trailer (lower-case name) sent after the
// last chunk.
func (c *chunkReader) Trailer(name string) string { return c.trailers[name] }

func (c *chunkReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if c.done {
		return 0, io.EOF
	}
	for c.left == 0 {
		if err := c.nextChunk(); err != nil {
			c.err = err
			return 0, err
		}
		if c.done {
			return 0, io.EOF
		}
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		c.err = err
	}
	return n, err
}

// nextChunk reads the CRLF closing the previous chunk and the next chunk's
// header; after the final chunk it reads the trailers.
func (c *chunkReader) nextChunk() error {
	if c.started {
		line, err := c.line()
		if err != nil {
			return err
		}
		if len(line) != 0 {
			return errChunkFormat
		}
	}
	c.started = true
	line, err := c.line()
	if err != nil {
		return err
	}
	sizeHex, _, _ := bytes.Cut(line, []byte(";"))
	sizeHex = bytes.TrimSpace(sizeHex)
	if len(sizeHex) == 0 || len(sizeHex) > 15 {
		return errChunkFormat
	}
	size, err := strconv.ParseInt(string(sizeHex), 16, 64)
	if err != nil || size < 0 {
		return errChunkFormat
	}
	if size > 0 {
		c.left = size
		return nil
	}
	c.done = true
	return c.readTrailers()
}

// readTrailers reads name:value lines up to an empty line or the end.
func (c *chunkReader) readTrailers() error {
	for i := 0; ; i++ {
		line, err := c.line()
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil // some clients end the body right after the trailers
		}
		if err != nil {
			return err
		}
		if len(line) == 0 {
			return nil
		}
		if i == maxTrailers {
			return errChunkFormat
		}
		name, value, ok := strings.Cut(string(line), ":")
		if !ok {
			return errChunkFormat
		}
		c.trailers[strings.ToLower(strings.TrimSpace(name))] = strings.TrimSpace(value)
	}
}

// line reads one line without its CRLF (a bare LF is tolerated).
func (c *chunkReader) line() ([]byte, error) {
	line, err := c.r.ReadSlice('\n')
	switch {
	case err == bufio.ErrBufferFull:
		return nil, errChunkFormat
	case err == io.EOF && len(line) == 0:
		return nil, io.EOF
	case err == io.EOF:
		return nil, io.ErrUnexpectedEOF
	case err != nil:
		return nil, err
	}
	line = line[:len(line)-1]
	return bytes.TrimSuffix(line, []byte("\r")), nil
}
