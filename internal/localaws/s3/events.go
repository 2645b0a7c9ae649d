package s3

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// Event names of ObjectEvent, as S3 names them in notifications
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html).
// EventPost belongs to browser POST uploads, which this service does not
// serve, so it is never emitted.
const (
	EventPut      = "ObjectCreated:Put"
	EventPost     = "ObjectCreated:Post"
	EventCopy     = "ObjectCreated:Copy"
	EventComplete = "ObjectCreated:CompleteMultipartUpload"
	// EventDelete is a key deleted in a bucket without versioning
	// (whether or not it held an object: S3 answers 204 either way) or a
	// version, object or delete marker, deleted by its version ID.
	EventDelete = "ObjectRemoved:Delete"
	// EventDeleteMarkerCreated is a delete marker that a delete without a
	// version ID put on a key of a versioned (or suspended) bucket.
	EventDeleteMarkerCreated = "ObjectRemoved:DeleteMarkerCreated"
)

// An ObjectEvent describes an object that a request created or removed; it
// carries what an S3 event notification record needs
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
type ObjectEvent struct {
	EventName string    // one of the Event… names
	Time      time.Time // the object's Last-Modified, or when it was removed
	Region    string    // the bucket's region
	Bucket    string
	Key       string // not URL-encoded
	// Size and ETag describe a created object; removal events carry
	// neither, as S3's do not.
	Size      int64
	ETag      string // without quotes, as notifications carry it
	VersionID string // "" unless the bucket's versioning is enabled
	// Sequencer orders events for the same key: a fixed-width upper-case hex
	// string that increases with every object version this service writes.
	Sequencer string
	Requester string // the access key of the request's SigV4 credential, "" if unsigned
	SourceIP  string
	RequestID string
	// Notification is the bucket's notification configuration when the
	// change was planned (empty when there is none), so the hook never has
	// to lock the bucket inside the store transaction.
	Notification NotificationConfiguration
}

// objectEvent builds the event named name for v, which rq created in bucket
// b (or, for a removal, a version that stands for what rq removed: no size,
// no ETag).
func (s *Service) objectEvent(rq *request, b *bucket, v *objectVersion, name string) ObjectEvent {
	ev := ObjectEvent{
		EventName: name, Time: v.Modified, Region: b.region, Bucket: b.name, Key: v.Key, Size: v.Size,
		ETag: strings.Trim(v.ETag, `"`), Sequencer: fmt.Sprintf("%016X", v.Seq), RequestID: rq.id,
	}
	if v.VersionID != nullVersion {
		ev.VersionID = v.VersionID
	}
	if scope, ok := awsproto.ParseScope(rq.r); ok {
		ev.Requester = scope.AccessKey
	}
	if host, _, err := net.SplitHostPort(rq.r.RemoteAddr); err == nil {
		ev.SourceIP = host
	}
	return ev
}

// event builds the event of v, which rq created in b; b.mu must be held
// (the plan phase of mutate), as it reads the bucket's configuration.
func (s *Service) event(rq *request, b *bucket, v *objectVersion, name string) ObjectEvent {
	if s.opts.OnObjectEvent == nil {
		return ObjectEvent{}
	}
	ev := s.objectEvent(rq, b, v, name)
	ev.Notification = b.notification()
	return ev
}

// notification returns the bucket's parsed notification configuration,
// parsing it again only when it changed; b.mu must be held.
func (b *bucket) notification() NotificationConfiguration {
	raw := b.meta.Sub[docNotification]
	if raw != b.notifRaw {
		var cfg NotificationConfiguration
		if raw != "" {
			_ = decodeXML([]byte(raw), &cfg) // stored only after it decoded
		}
		b.notifRaw, b.notif = raw, cfg
	}
	return b.notif
}

// Removed reports whether ev is an ObjectRemoved event.
func (ev ObjectEvent) Removed() bool { return strings.HasPrefix(ev.EventName, "ObjectRemoved:") }

// removalEvent builds the event of d, a deletion of key that rq made in
// b, or returns false when d calls for none (a version ID that named no
// version); b.mu must be held, as it reads the bucket's configuration.
func (s *Service) removalEvent(rq *request, b *bucket, key string, d deleted) (ObjectEvent, bool) {
	if s.opts.OnObjectEvent == nil || d.event == "" {
		return ObjectEvent{}, false
	}
	return s.event(rq, b, &objectVersion{Key: key, VersionID: d.versionID, Seq: d.seq, Modified: s.env.Clock.Now().UTC()}, d.event), true
}

// emitAll calls the OnObjectEvent hook inside tx with each of evs.
func (s *Service) emitAll(tx *store.Tx, evs []ObjectEvent) error {
	for _, ev := range evs {
		if err := s.emit(tx, ev); err != nil {
			return err
		}
	}
	return nil
}

// emitter returns the store step of mutate that hands the events *evs
// holds (filled by the plan) to OnObjectEvent, or nil without the hook.
func (s *Service) emitter(evs *[]ObjectEvent) func(*store.Tx) error {
	if s.opts.OnObjectEvent == nil {
		return nil
	}
	return func(tx *store.Tx) error { return s.emitAll(tx, *evs) }
}

// shower returns the after step of mutate that reports the events *evs
// holds as visible, or nil without the hook.
func (s *Service) shower(evs *[]ObjectEvent) func() {
	if s.opts.OnObjectVisible == nil {
		return nil
	}
	return func() {
		for _, ev := range *evs {
			s.visible(ev)
		}
	}
}

// emit calls the OnObjectEvent hook inside tx with ev (built by event).
func (s *Service) emit(tx *store.Tx, ev ObjectEvent) error {
	if s.opts.OnObjectEvent == nil || ev.EventName == "" {
		return nil
	}
	if err := s.opts.OnObjectEvent(tx, ev); err != nil {
		return fmt.Errorf("hand off %s event: %w", ev.EventName, err)
	}
	return nil
}

// NotificationConfiguration returns bucket's stored notification
// configuration; ok is false when the bucket does not exist. A bucket
// without one yields an empty configuration.
func (s *Service) NotificationConfiguration(bucket string) (cfg NotificationConfiguration, ok bool) {
	b, err := s.bucket(bucket)
	if err != nil {
		return NotificationConfiguration{}, false
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.deleted {
		return NotificationConfiguration{}, false
	}
	raw := b.meta.Sub[docNotification]
	if raw == "" {
		return NotificationConfiguration{}, true
	}
	if err := decodeXML([]byte(raw), &cfg); err != nil {
		return NotificationConfiguration{}, true // stored only after it decoded
	}
	return cfg, true
}

// BucketOwnerAccount returns the account that owns bucket and the bucket's
// region; ok is false when the bucket does not exist. Every bucket of the
// local AWS belongs to its one account.
func (s *Service) BucketOwnerAccount(bucket string) (account, region string, ok bool) {
	b, err := s.bucket(bucket)
	if err != nil {
		return "", "", false
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.deleted {
		return "", "", false
	}
	return s.env.Account, b.region, true
}

// visible calls the OnObjectVisible hook with ev, once the object it
// describes is readable; a zero ev (no hook ran) is ignored.
func (s *Service) visible(ev ObjectEvent) {
	if s.opts.OnObjectVisible != nil && ev.EventName != "" {
		s.opts.OnObjectVisible(ev)
	}
}
