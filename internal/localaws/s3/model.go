package s3

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// nullVersion is the version ID of an object written while versioning was
// never enabled or is suspended.
const nullVersion = "null"

// Versioning states of a bucket; "" means never enabled.
const (
	versioningEnabled   = "Enabled"
	versioningSuspended = "Suspended"
)

// A bucket is one bucket's state. mu guards every field but keyLocks; it is
// held only while a change is planned or applied in memory, never while the
// store writes or a body streams (see Service.mutate).
type bucket struct {
	name, region string // immutable copies of meta's, readable without mu

	mu       sync.RWMutex
	meta     bucketMeta
	objects  map[string][]*objectVersion // by key, newest version first
	keys     keyIndex                    // keys of objects, in order
	uploads  map[string]*upload          // by upload ID
	deleted  bool                        // set when DeleteBucket removed it
	inflight int                         // changes planned but not yet applied

	// notifRaw and notif cache the parsed notification configuration of
	// meta (see notification); both guarded by mu.
	notifRaw string
	notif    NotificationConfiguration

	keyLocks [keyStripes]sync.Mutex // see lockKeys
}

// bucketMeta is a bucket's persisted record.
type bucketMeta struct {
	Name       string            `json:"name"`
	Region     string            `json:"region"`
	Created    time.Time         `json:"created"`
	Versioning string            `json:"versioning,omitempty"`
	Sub        map[string]string `json:"sub,omitempty"` // sub-resource documents by name
}

// An objectVersion is one version of an object or a delete marker. Values
// are immutable once committed; changes replace the pointer.
type objectVersion struct {
	Key          string            `json:"k"`
	VersionID    string            `json:"v"`
	Seq          uint64            `json:"q"` // orders the versions of a key, newest highest
	DeleteMarker bool              `json:"d,omitempty"`
	Size         int64             `json:"s,omitempty"`
	ETag         string            `json:"e,omitempty"` // quoted
	Modified     time.Time         `json:"t"`
	Segments     []segment         `json:"b,omitempty"` // the body, in order
	Headers      map[string]string `json:"h,omitempty"` // Content-Type and other stored headers, canonical names
	Meta         map[string]string `json:"m,omitempty"` // user metadata, lower-case names without x-amz-meta-
	ChecksumAlg  string            `json:"ca,omitempty"`
	Checksum     string            `json:"cv,omitempty"` // base64, "…-N" when composite
	ChecksumType string            `json:"ct,omitempty"`
	Parts        int               `json:"p,omitempty"` // number of parts of a multipart object
}

// A segment is one stretch of an object's body: a whole blob file, or an
// extent of a pack file (Packed) starting at Off.
type segment struct {
	Blob   string `json:"i"`
	Off    int64  `json:"o,omitempty"`
	Size   int64  `json:"n"`
	Packed bool   `json:"k,omitempty"`
}

// An upload is an in-progress multipart upload.
type upload struct {
	ID           string            `json:"id"`
	Key          string            `json:"key"`
	Initiated    time.Time         `json:"initiated"`
	Headers      map[string]string `json:"h,omitempty"`
	Meta         map[string]string `json:"m,omitempty"`
	ChecksumAlg  string            `json:"ca,omitempty"`
	ChecksumType string            `json:"ct,omitempty"`
	parts        map[int32]*part
}

// A part is one uploaded part of a multipart upload.
type part struct {
	Number   int32     `json:"n"`
	ETag     string    `json:"e"` // quoted
	Size     int64     `json:"s"`
	Body     *segment  `json:"g,omitempty"` // nil for an empty part
	Checksum string    `json:"c,omitempty"`
	Modified time.Time `json:"t"`
}

func newBucket(meta bucketMeta) *bucket {
	return &bucket{name: meta.Name, region: meta.Region, meta: meta, objects: map[string][]*objectVersion{}, uploads: map[string]*upload{}}
}

// latest returns the newest version of key (possibly a delete marker), or nil.
func (b *bucket) latest(key string) *objectVersion {
	if vs := b.objects[key]; len(vs) > 0 {
		return vs[0]
	}
	return nil
}

// version returns the version of key with the given ID, or nil.
func (b *bucket) version(key, versionID string) *objectVersion {
	for _, v := range b.objects[key] {
		if v.VersionID == versionID {
			return v
		}
	}
	return nil
}

// insert adds v to the index, ordered by Seq.
func (b *bucket) insert(v *objectVersion) {
	vs, ok := b.objects[v.Key]
	if !ok {
		b.keys.add(v.Key)
	}
	i := sort.Search(len(vs), func(i int) bool { return vs[i].Seq < v.Seq })
	b.objects[v.Key] = slices.Insert(vs, i, v)
}

// drop removes v (the same pointer) from the index.
func (b *bucket) drop(v *objectVersion) {
	vs := b.objects[v.Key]
	i := slices.Index(vs, v)
	if i < 0 {
		return
	}
	vs = slices.Delete(vs, i, i+1)
	if len(vs) > 0 {
		b.objects[v.Key] = vs
		return
	}
	delete(b.objects, v.Key)
	b.keys.remove(v.Key)
}

// A change is a set of version insertions and removals, planned against a
// bucket's index, written to the store, and then applied to the index.
type change struct {
	added   []*objectVersion
	removed []*objectVersion
}

// remove plans the removal of v; planning it twice removes it once, so its
// blobs are released once.
func (c *change) remove(v *objectVersion) {
	if !slices.Contains(c.removed, v) {
		c.removed = append(c.removed, v)
	}
}

// place plans v as the newest version of its key: a null version (no
// versioning, or suspended) replaces the key's existing null version; with
// versioning enabled v is added beside the others. b's lock is held.
func (c *change) place(b *bucket, v *objectVersion) {
	if v.VersionID == nullVersion {
		if old := b.version(v.Key, nullVersion); old != nil {
			c.remove(old)
		}
	}
	c.added = append(c.added, v)
}

// apply makes the planned change visible in b's index. b's lock is held.
// Additions go first: a version that replaces its key's only version then
// never leaves the key without versions, so the sorted key list is not
// shifted twice (out and back in) for an overwrite.
func (c *change) apply(b *bucket) {
	for _, v := range c.added {
		b.insert(v)
	}
	for _, v := range c.removed {
		b.drop(v)
	}
}

// commonPrefix reports whether key starts with prefix and, after it,
// contains delim; it returns the common prefix up to and including the
// delimiter.
func commonPrefix(key, prefix, delim string) (string, bool) {
	if delim == "" || !strings.HasPrefix(key, prefix) {
		return "", false
	}
	i := strings.Index(key[len(prefix):], delim)
	if i < 0 {
		return "", false
	}
	return key[:len(prefix)+i+len(delim)], true
}
