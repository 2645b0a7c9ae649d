package s3

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

// eventLog records what the OnObjectEvent and OnObjectVisible hooks see.
type eventLog struct {
	mu      sync.Mutex
	events  []ObjectEvent
	visible []string // sequencers, in the order made visible
}

func (l *eventLog) options() Options {
	return Options{
		OnObjectEvent: func(_ *store.Tx, ev ObjectEvent) error {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.events = append(l.events, ev)
			return nil
		},
		OnObjectVisible: func(ev ObjectEvent) {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.visible = append(l.visible, ev.Sequencer)
		},
	}
}

// take returns the events recorded since the last take, checking that
// each was also made visible.
func (l *eventLog) take(t *testing.T) []ObjectEvent {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	evs := l.events
	for _, ev := range evs {
		if !slices.Contains(l.visible, ev.Sequencer) {
			t.Errorf("event %+v was never made visible", ev)
		}
	}
	l.events, l.visible = nil, nil
	return evs
}

func TestDeletesMakeTheRemovalEventsS3Sends(t *testing.T) {
	ctx := context.Background()
	var log eventLog
	h := newHarness(t, harnessConfig{opts: log.options()})
	h.createBucket("plain")
	h.put("plain", "a", []byte("a"))
	log.take(t)
	del := func(bucket, key, versionID string) {
		t.Helper()
		in := &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
		if versionID != "" {
			in.VersionId = aws.String(versionID)
		}
		if _, err := h.client.DeleteObject(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	check := func(what string, got []ObjectEvent, want ...ObjectEvent) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: events %+v, want %d", what, got, len(want))
		}
		for i, w := range want {
			g := got[i]
			if g.EventName != w.EventName || g.Key != w.Key || g.VersionID != w.VersionID || g.Size != 0 || g.ETag != "" ||
				g.Bucket == "" || g.Sequencer == "" || !g.Removed() {
				t.Errorf("%s: event %d = %+v, want %s of %q version %q without size or ETag", what, i, g, w.EventName, w.Key, w.VersionID)
			}
		}
	}

	// Without versioning a delete is ObjectRemoved:Delete, whether or not
	// the key held an object (S3 answers 204 either way).
	del("plain", "a", "")
	del("plain", "never-there", "")
	check("unversioned deletes", log.take(t), ObjectEvent{EventName: EventDelete, Key: "a"}, ObjectEvent{EventName: EventDelete, Key: "never-there"})

	h.createBucket("versioned")
	setVersioning(t, h, "versioned", types.BucketVersioningStatusEnabled)
	v1 := aws.ToString(h.put("versioned", "k", []byte("one")).VersionId)
	log.take(t)
	out, err := h.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("versioned"), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	marker := aws.ToString(out.VersionId)
	check("a delete that leaves a marker", log.take(t), ObjectEvent{EventName: EventDeleteMarkerCreated, Key: "k", VersionID: marker})
	del("versioned", "k", v1)
	del("versioned", "k", marker)
	check("deletes of versions", log.take(t), ObjectEvent{EventName: EventDelete, Key: "k", VersionID: v1}, ObjectEvent{EventName: EventDelete, Key: "k", VersionID: marker})
	del("versioned", "k", v1) // no longer there
	check("a delete of a version that is gone", log.take(t))

	// DeleteObjects: one event per key, a key named twice once.
	h.put("plain", "x", []byte("x"))
	h.put("plain", "y", []byte("y"))
	log.take(t)
	if _, err := h.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("plain"), Delete: &types.Delete{
		Objects: []types.ObjectIdentifier{{Key: aws.String("x")}, {Key: aws.String("y")}, {Key: aws.String("x")}}}}); err != nil {
		t.Fatal(err)
	}
	check("DeleteObjects", log.take(t), ObjectEvent{EventName: EventDelete, Key: "x"}, ObjectEvent{EventName: EventDelete, Key: "y"})
}
