package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// The operation log holds the writes that are durable but not yet in the
// database (see the package doc). It is a series of segment files named
// log-<16-digit number> in the store's directory, appended to in number
// order; each group commit appends one record:
//
//	uint32 length of payload, little-endian
//	uint32 CRC-32C (Castagnoli) of payload, little-endian
//	payload: operations, each
//	    'P' table key value   (Put)
//	    'D' table key         (Delete)
//	    'R' table prefix      (DeletePrefix)
//	  every string a uvarint length followed by its bytes.
//
// A record is written with one write(2), so a kill -9 leaves each record
// either whole or absent; a write that fails part-way (a full disk) is cut
// off again, or ends its segment. Replay (readSegment) skips a record cut
// short at the end of a segment, and stops at a checksum mismatch in the
// newest one, which only a power loss can cause (the log is not fsynced);
// a mismatch in an older segment is corruption, and Open refuses the
// directory rather than silently drop the writes after it.

const (
	opPut          = 'P'
	opDelete       = 'D'
	opDeletePrefix = 'R'

	recordHeader  = 8
	segmentPrefix = "log-"
	// maxRecord bounds a record's declared length when replaying, so that a
	// corrupt header cannot make replay allocate gigabytes.
	maxRecord = 1 << 30
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendOp appends one encoded operation to buf.
func appendOp(buf []byte, kind byte, table, key string, value []byte, withValue bool) []byte {
	buf = append(buf, kind)
	buf = binary.AppendUvarint(buf, uint64(len(table)))
	buf = append(buf, table...)
	buf = binary.AppendUvarint(buf, uint64(len(key)))
	buf = append(buf, key...)
	if withValue {
		buf = binary.AppendUvarint(buf, uint64(len(value)))
		buf = append(buf, value...)
	}
	return buf
}

// sealRecord fills in the header that record reserved with recordHeader
// zero bytes in front of its payload.
func sealRecord(record []byte) {
	payload := record[recordHeader:]
	binary.LittleEndian.PutUint32(record[0:4], uint32(len(payload)))
	binary.LittleEndian.PutUint32(record[4:8], crc32.Checksum(payload, castagnoli))
}

// An op is one decoded operation; its value aliases the payload.
type op struct {
	kind       byte
	table, key string
	value      []byte
}

// decodeOps calls fn for each operation of a record's payload.
func decodeOps(payload []byte, fn func(op) error) error {
	for len(payload) > 0 {
		var o op
		o.kind, payload = payload[0], payload[1:]
		var field []byte
		var ok bool
		if field, payload, ok = cutField(payload); !ok {
			return errors.New("truncated operation")
		}
		o.table = string(field)
		if field, payload, ok = cutField(payload); !ok {
			return errors.New("truncated operation")
		}
		o.key = string(field)
		switch o.kind {
		case opPut:
			if o.value, payload, ok = cutField(payload); !ok {
				return errors.New("truncated operation")
			}
		case opDelete, opDeletePrefix:
		default:
			return fmt.Errorf("unknown operation %q", o.kind)
		}
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}

// cutField splits a uvarint-length-prefixed field off the front of b.
func cutField(b []byte) (field, rest []byte, ok bool) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)-w) {
		return nil, b, false
	}
	return b[w : w+int(n)], b[w+int(n):], true
}

// A segment is one log file.
type segment struct {
	num  uint64
	path string
}

func segmentPath(dir string, num uint64) string {
	return filepath.Join(dir, fmt.Sprintf("%s%016d", segmentPrefix, num))
}

// listSegments returns the log segments in dir in number order.
func listSegments(dir string) ([]segment, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var segs []segment
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, segmentPrefix) {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimPrefix(name, segmentPrefix), 10, 64)
		if err != nil {
			continue
		}
		segs = append(segs, segment{num: n, path: filepath.Join(dir, name)})
	}
	slices.SortFunc(segs, func(a, b segment) int {
		switch {
		case a.num < b.num:
			return -1
		case a.num > b.num:
			return 1
		}
		return 0
	})
	return segs, nil
}

// readSegment calls fn with the payload of each record of the segment file
// at path. A record cut short by the end of the file ends the segment: it
// is a write that failed or was torn, and so was never acknowledged. A
// record whose checksum does not match ends the log if last is set (the
// newest segment, which a power loss can leave with garbage at its end);
// anywhere else it is corruption, reported with the file and offset.
func readSegment(path string, last bool, fn func(payload []byte) error) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for off := 0; off < len(data); {
		rest := data[off:]
		if len(rest) < recordHeader {
			return nil
		}
		n := binary.LittleEndian.Uint32(rest[0:4])
		if n > maxRecord || int(n) > len(rest)-recordHeader {
			return nil
		}
		payload := rest[recordHeader : recordHeader+int(n)]
		if crc32.Checksum(payload, castagnoli) != binary.LittleEndian.Uint32(rest[4:8]) {
			if last {
				return nil
			}
			return fmt.Errorf("log segment %s has a record whose checksum does not match at offset %d, and newer segments follow it; "+
				"move it and the newer log-* files out of the data directory to start from the writes before it", path, off)
		}
		if err := fn(payload); err != nil {
			return fmt.Errorf("log segment %s at offset %d: %w", path, off, err)
		}
		off += recordHeader + int(n)
	}
	return nil
}

// A logWriter appends records to the current segment.
type logWriter struct {
	dir string
	f   *os.File
	seg segment
}

// openLogWriter starts a new segment numbered after next-1.
func openLogWriter(dir string, next uint64) (*logWriter, error) {
	w := &logWriter{dir: dir}
	if err := w.open(next); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *logWriter) open(num uint64) error {
	path := segmentPath(w.dir, num)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("store: create log segment: %w", err)
	}
	w.f, w.seg = f, segment{num: num, path: path}
	return nil
}

// write appends one sealed record with a single write(2).
func (w *logWriter) write(record []byte) error {
	n, err := w.f.Write(record)
	if err == nil && n < len(record) {
		err = io.ErrShortWrite
	}
	if err != nil {
		// Cut a partial record off so that the next one starts on a
		// record boundary; if even that fails, the next records are
		// unreadable after it, so start a new segment.
		if info, serr := w.f.Stat(); serr != nil || w.f.Truncate(info.Size()-int64(n)) != nil {
			w.rotate()
		}
		return fmt.Errorf("store: write log: %w", err)
	}
	return nil
}

// rotate closes the current segment and starts the next one, returning
// the closed one. If the next cannot be created the writer keeps the
// current one and returns the zero segment.
func (w *logWriter) rotate() (closed segment, err error) {
	old, oldSeg := w.f, w.seg
	if err := w.open(oldSeg.num + 1); err != nil {
		return segment{}, err
	}
	old.Close()
	return oldSeg, nil
}

func (w *logWriter) close() error { return w.f.Close() }
