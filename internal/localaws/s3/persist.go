package s3

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

// Store tables. Keys: bucket name; bucket/objectKey/versionID (version IDs
// contain no "/", so the last "/" splits unambiguously); bucket/uploadID;
// bucket/uploadID/partNumber (5 digits, so parts sort by number).
const (
	tableBucket = "s3.bucket"
	tableObject = "s3.object"
	tableUpload = "s3.upload"
	tablePart   = "s3.part"
)

func objectRow(bucket string, v *objectVersion) string {
	return bucket + "/" + v.Key + "/" + v.VersionID
}

func uploadRow(bucket, uploadID string) string { return bucket + "/" + uploadID }

func partRow(bucket, uploadID string, n int32) string {
	return fmt.Sprintf("%s/%s/%05d", bucket, uploadID, n)
}

func putJSON(tx *store.Tx, table, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", table, err)
	}
	return tx.Put(table, key, b)
}

// write records c in tx.
func (c *change) write(tx *store.Tx, bucket string) error {
	for _, v := range c.removed {
		if c.replaced(v) {
			continue // the added version's Put overwrites the row
		}
		if err := tx.Delete(tableObject, objectRow(bucket, v)); err != nil {
			return err
		}
	}
	for _, v := range c.added {
		if err := tx.Put(tableObject, objectRow(bucket, v), appendObject(make([]byte, 0, 256), v)); err != nil {
			return err
		}
	}
	return nil
}

// replaced reports whether an added version has the same row as the
// removed version v (the same key and version ID: a null version replaced
// by a new null version).
func (c *change) replaced(v *objectVersion) bool {
	for _, a := range c.added {
		if a.Key == v.Key && a.VersionID == v.VersionID {
			return true
		}
	}
	return false
}

// load rebuilds the buckets from the store and returns the highest version
// sequence number seen.
func load(st *store.Store) (map[string]*bucket, uint64, error) {
	buckets := map[string]*bucket{}
	var maxSeq uint64
	err := st.View(func(tx *store.Tx) error {
		if err := tx.Scan(tableBucket, "", func(_ string, val []byte) error {
			var m bucketMeta
			if err := json.Unmarshal(val, &m); err != nil {
				return fmt.Errorf("decode bucket: %w", err)
			}
			buckets[m.Name] = newBucket(m)
			return nil
		}); err != nil {
			return err
		}
		if err := tx.Scan(tableObject, "", func(row string, val []byte) error {
			v, err := decodeObject(val)
			if err != nil {
				return fmt.Errorf("decode object %q: %w", row, err)
			}
			b := buckets[bucketOfRow(row)]
			if b == nil {
				return nil // an orphan of a deleted bucket; its blobs get swept
			}
			b.insert(v)
			maxSeq = max(maxSeq, v.Seq)
			return nil
		}); err != nil {
			return err
		}
		if err := tx.Scan(tableUpload, "", func(row string, val []byte) error {
			u := &upload{}
			if err := json.Unmarshal(val, u); err != nil {
				return fmt.Errorf("decode upload %q: %w", row, err)
			}
			if b := buckets[bucketOfRow(row)]; b != nil {
				u.parts = map[int32]*part{}
				b.uploads[u.ID] = u
			}
			return nil
		}); err != nil {
			return err
		}
		return tx.Scan(tablePart, "", func(row string, val []byte) error {
			p := &part{}
			if err := json.Unmarshal(val, p); err != nil {
				return fmt.Errorf("decode part %q: %w", row, err)
			}
			name, rest, _ := strings.Cut(row, "/")
			uploadID, _, _ := strings.Cut(rest, "/")
			if b := buckets[name]; b != nil {
				if u := b.uploads[uploadID]; u != nil {
					u.parts[p.Number] = p
				}
			}
			return nil
		})
	})
	if err != nil {
		return nil, 0, fmt.Errorf("load s3 state: %w", err)
	}
	return buckets, maxSeq, nil
}

func bucketOfRow(row string) string {
	name, _, _ := strings.Cut(row, "/")
	return name
}

// referenced returns every body segment the buckets reference.
func referenced(buckets map[string]*bucket) []segment {
	var segs []segment
	for _, b := range buckets {
		for _, vs := range b.objects {
			for _, v := range vs {
				segs = append(segs, v.Segments...)
			}
		}
		for _, u := range b.uploads {
			for _, p := range u.parts {
				if p.Body != nil {
					segs = append(segs, *p.Body)
				}
			}
		}
	}
	return segs
}
