package logs

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

// Tables of the store. Keys join names with NUL, which no log group or log
// stream name may contain, so a group's or a stream's keys share a prefix.
const (
	tableGroup  = "logs.group"  // group name → groupRecord (JSON)
	tableStream = "logs.stream" // group NUL stream → streamRecord (JSON)
	// tableEvent holds events: group NUL stream NUL %016x timestamp %016x
	// sequence → 8-byte big-endian ingestion time, then the message. Its
	// keys sort a stream's events by (timestamp, sequence).
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
	return fmt.Sprintf("%s%016x%016x", streamEventsPrefix(group, stream), uint64(p.ts), p.seq)
}

func encodeEvent(e *event) []byte {
	b := make([]byte, 8+len(e.msg))
	binary.BigEndian.PutUint64(b, uint64(e.ingest))
	copy(b[8:], e.msg)
	return b
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
		err := tx.Scan(tableEvent, "", func(key string, v []byte) error {
			e, gname, sname, ok := decodeEvent(key, v)
			if !ok {
				return fmt.Errorf("decode log event %q: malformed", key)
			}
			g := s.groups[gname]
			if g == nil || g.streams[sname] == nil {
				return nil
			}
			st := g.streams[sname]
			st.events = append(st.events, e) // keys scan in (timestamp, sequence) order
			st.bytes += e.size()
			st.lastIngest = max(st.lastIngest, e.ingest)
			st.lastSeq = max(st.lastSeq, e.seq)
			maxSeq = max(maxSeq, e.seq)
			return nil
		})
		s.seq.Store(maxSeq)
		return err
	})
}

func decodeEvent(key string, v []byte) (e event, gname, sname string, ok bool) {
	gname, rest, ok1 := strings.Cut(key, sep)
	i := strings.LastIndex(rest, sep)
	if !ok1 || i < 0 || len(rest)-i-1 != 32 || len(v) < 8 {
		return event{}, "", "", false
	}
	sname, suffix := rest[:i], rest[i+1:]
	ts, err1 := strconv.ParseUint(suffix[:16], 16, 64)
	seq, err2 := strconv.ParseUint(suffix[16:], 16, 64)
	if err1 != nil || err2 != nil {
		return event{}, "", "", false
	}
	e = event{pos: pos{ts: int64(ts), seq: seq}, ingest: int64(binary.BigEndian.Uint64(v)), msg: string(v[8:])}
	return e, gname, sname, true
}
