package logs

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

// Tables of the store. Keys join names with NUL, which no log group or log
// stream name may contain, so a group's or a stream's keys share a prefix.
const (
	tableGroup  = "logs.group"  // group name → groupRecord (JSON)
	tableStream = "logs.stream" // group NUL stream → streamRecord (JSON)
	// tableEvent holds events under keys group NUL stream NUL %016x
	// timestamp %016x sequence, which sort a stream's rows by (timestamp,
	// sequence). A row holds one event, as 8-byte big-endian ingestion time
	// then the message, or several events of one ingestion (a batch row,
	// keyed by its first event; see encodeBatch).
	tableEvent = "logs.event"
	tableMeta  = "logs.meta" // "seq" → the highest sequence ever handed out
)

const sep = "\x00"

type groupRecord struct {
	Created   int64             `json:"created"`
	Retention int32             `json:"retention,omitempty"`
	KmsKeyID  string            `json:"kmsKeyId,omitempty"`
	Class     string            `json:"class,omitempty"`
	Tags      map[string]string `json:"tags,omitempty"`
}

type streamRecord struct {
	Created int64 `json:"created"`
}

func streamKey(group, stream string) string { return group + sep + stream }

func streamEventsPrefix(group, stream string) string { return group + sep + stream + sep }

func eventKey(group, stream string, p pos) string {
	b := make([]byte, 0, len(group)+len(stream)+2+32)
	b = append(b, group...)
	b = append(b, sep...)
	b = append(b, stream...)
	b = append(b, sep...)
	b = appendHex16(b, uint64(p.ts))
	b = appendHex16(b, p.seq)
	return string(b)
}

// appendHex16 appends v as 16 lower-case hex digits, as %016x formats it.
func appendHex16(b []byte, v uint64) []byte {
	const digits = "0123456789abcdef"
	for shift := 60; shift >= 0; shift -= 4 {
		b = append(b, digits[v>>uint(shift)&0xf])
	}
	return b
}

func encodeEvent(e *event) []byte {
	b := make([]byte, 8+len(e.msg))
	binary.BigEndian.PutUint64(b, uint64(e.ingest))
	copy(b[8:], e.msg)
	return b
}

// batchMarker starts the value of a batch row. A single event's value
// starts with its ingestion time, whose first byte is 0 for any time
// before the year 10^6, so the two cannot be confused.
const batchMarker = 0xff

// maxBatchRow bounds a batch row's key and value, so that the row stays
// within its b-tree page: SQLite moves the part of a WITHOUT ROWID row
// beyond about 1,000 bytes (of a 4 KB page) to an overflow page of its own,
// which would cost a 4 KB page per write. A write larger than this takes
// several rows; an event larger than this takes a row of its own.
const maxBatchRow = 960

// encodeBatch encodes events ingested together (same ingestion time,
// sequences ascending) as one row: batchMarker, the 8-byte big-endian
// ingestion time, then for each event its timestamp, its sequence minus
// the first event's and its message's length as uvarints, and the message.
// The row is keyed by its first event; one row instead of one per event
// makes a write of n events one store put instead of n.
func encodeBatch(evs []event) []byte {
	n := 9
	for i := range evs {
		n += 3*binary.MaxVarintLen64 + len(evs[i].msg)
	}
	b := make([]byte, 9, n)
	b[0] = batchMarker
	binary.BigEndian.PutUint64(b[1:], uint64(evs[0].ingest))
	for i := range evs {
		b = binary.AppendUvarint(b, uint64(evs[i].ts))
		b = binary.AppendUvarint(b, evs[i].seq-evs[0].seq)
		b = binary.AppendUvarint(b, uint64(len(evs[i].msg)))
		b = append(b, evs[i].msg...)
	}
	return b
}

// putEvents writes evs, which were ingested together, to the stream's
// rows: a lone event as an event row, more as batch rows.
func putEvents(tx *store.Tx, group, stream string, evs []event) error {
	for len(evs) > 0 {
		// The key, the marker and the ingestion time, then each event's
		// message and its three uvarints (at most 10, 3 and 3 bytes for
		// today's timestamps, batches and lines).
		n, size := 0, len(group)+len(stream)+2+32+9
		for n < len(evs) && (n == 0 || size+len(evs[n].msg)+16 <= maxBatchRow) {
			size += len(evs[n].msg) + 16
			n++
		}
		v := encodeEvent(&evs[0])
		if n > 1 {
			v = encodeBatch(evs[:n])
		}
		if err := tx.Put(tableEvent, eventKey(group, stream, evs[0].pos), v); err != nil {
			return err
		}
		evs = evs[n:]
	}
	return nil
}

func putGroup(tx *store.Tx, g *group) error {
	rec, err := json.Marshal(groupRecord{Created: g.created, Retention: g.retention, KmsKeyID: g.kmsKeyID, Class: g.class, Tags: g.tags})
	if err != nil {
		return fmt.Errorf("encode log group %s: %w", g.name, err)
	}
	return tx.Put(tableGroup, g.name, rec)
}

func putStream(tx *store.Tx, group string, s *stream) error {
	rec, err := json.Marshal(streamRecord{Created: s.created})
	if err != nil {
		return fmt.Errorf("encode log stream %s: %w", s.name, err)
	}
	return tx.Put(tableStream, streamKey(group, s.name), rec)
}

// putSeq records the sequence high-water mark. Deletions write it so that a
// restart never hands out the sequence (and so the event ID) of a deleted
// event again.
func putSeq(tx *store.Tx, seq uint64) error {
	return tx.Put(tableMeta, "seq", []byte(strconv.FormatUint(seq, 10)))
}

// load reads the whole state back from the store.
func (s *Service) load() error {
	return s.env.Store.View(func(tx *store.Tx) error {
		if err := tx.Scan(tableGroup, "", func(key string, v []byte) error {
			var rec groupRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("decode log group %s: %w", key, err)
			}
			s.groups[key] = &group{name: key, created: rec.Created, retention: rec.Retention, kmsKeyID: rec.KmsKeyID,
				class: rec.Class, tags: rec.Tags, streams: map[string]*stream{}}
			return nil
		}); err != nil {
			return err
		}
		if err := tx.Scan(tableStream, "", func(key string, v []byte) error {
			gname, sname, _ := strings.Cut(key, sep)
			g := s.groups[gname]
			if g == nil {
				return nil
			}
			var rec streamRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("decode log stream %s: %w", key, err)
			}
			g.streams[sname] = &stream{name: sname, created: rec.Created}
			return nil
		}); err != nil {
			return err
		}
		var maxSeq uint64
		if v, err := tx.Get(tableMeta, "seq"); err == nil {
			maxSeq, _ = strconv.ParseUint(string(v), 10, 64)
		}
		unsorted := map[*stream]bool{}
		var evs []event
		err := tx.Scan(tableEvent, "", func(key string, v []byte) error {
			var gname, sname string
			var ok bool
			evs, gname, sname, ok = decodeRow(evs[:0], key, v)
			if !ok {
				return fmt.Errorf("decode log event %q: malformed", key)
			}
			g := s.groups[gname]
			if g == nil || g.streams[sname] == nil {
				return nil
			}
			st := g.streams[sname]
			for _, e := range evs {
				// Rows scan in the (timestamp, sequence) order of their
				// first events; a batch row's later events may belong
				// elsewhere.
				if n := len(st.events); n > 0 && e.pos.less(st.events[n-1].pos) {
					unsorted[st] = true
				}
				st.events = append(st.events, e)
				st.bytes += e.size()
				st.lastIngest = max(st.lastIngest, e.ingest)
				st.lastSeq = max(st.lastSeq, e.seq)
				maxSeq = max(maxSeq, e.seq)
			}
			return nil
		})
		for st := range unsorted {
			sort.Slice(st.events, func(i, j int) bool { return st.events[i].pos.less(st.events[j].pos) })
		}
		s.seq.Store(maxSeq)
		return err
	})
}

// decodeRow appends the events of the row key → v to evs and returns
// them with the names of their group and stream.
func decodeRow(evs []event, key string, v []byte) (_ []event, gname, sname string, ok bool) {
	gname, rest, ok1 := strings.Cut(key, sep)
	i := strings.LastIndex(rest, sep)
	if !ok1 || i < 0 || len(rest)-i-1 != 32 || len(v) < 8 {
		return evs, "", "", false
	}
	sname, suffix := rest[:i], rest[i+1:]
	ts, err1 := strconv.ParseUint(suffix[:16], 16, 64)
	seq, err2 := strconv.ParseUint(suffix[16:], 16, 64)
	if err1 != nil || err2 != nil {
		return evs, "", "", false
	}
	if v[0] != batchMarker {
		e := event{pos: pos{ts: int64(ts), seq: seq}, ingest: int64(binary.BigEndian.Uint64(v)), msg: string(v[8:])}
		return append(evs, e), gname, sname, true
	}
	if len(v) < 9 {
		return evs, "", "", false
	}
	ingest := int64(binary.BigEndian.Uint64(v[1:]))
	p := v[9:]
	first := len(evs)
	for len(p) > 0 {
		ets, n1 := binary.Uvarint(p)
		if n1 <= 0 {
			return evs, "", "", false
		}
		p = p[n1:]
		delta, n2 := binary.Uvarint(p)
		if n2 <= 0 {
			return evs, "", "", false
		}
		p = p[n2:]
		size, n3 := binary.Uvarint(p)
		if n3 <= 0 || size > uint64(len(p)-n3) {
			return evs, "", "", false
		}
		p = p[n3:]
		evs = append(evs, event{pos: pos{ts: int64(ets), seq: seq + delta}, ingest: ingest, msg: string(p[:size])})
		p = p[size:]
	}
	// The key names the first event.
	if len(evs) == first || evs[first].pos != (pos{ts: int64(ts), seq: seq}) {
		return evs, "", "", false
	}
	return evs, gname, sname, true
}
