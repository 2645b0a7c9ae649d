package s3

import (
	"encoding/xml"
	"net/http"
)

// maxDeleteKeys is the most keys one DeleteObjects request may name
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html).
const maxDeleteKeys = 1000

// deleted is the outcome of deleting one key or version.
type deleted struct {
	versionID    string // the version removed or the delete marker created; "" without versioning
	deleteMarker bool   // a delete marker was created or removed
	// event is the notification the deletion makes (EventDelete,
	// EventDeleteMarkerCreated) or "" for none, and seq its sequencer.
	event string
	seq   uint64
}

// deleteKey applies DeleteObject's semantics to key in b, recording the
// index changes in c (https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html):
// with a versionID that exact version (object or delete marker) is removed,
// and a missing one is not an error; without one, an unversioned bucket
// loses the key's null version, a versioning-enabled bucket gets a new
// delete marker, and a suspended bucket gets a null delete marker that
// replaces the null version. The caller holds b's lock and the key's lock.
func (s *Service) deleteKey(b *bucket, c *change, key, versionID string) (deleted, error) {
	if versionID != "" {
		if !validVersionID(versionID) {
			return deleted{}, errInvalidArgument("versionId", versionID, "Invalid version id specified")
		}
		v := b.version(key, versionID)
		if v == nil {
			return deleted{versionID: versionID}, nil
		}
		c.remove(v)
		return deleted{versionID: versionID, deleteMarker: v.DeleteMarker, event: EventDelete, seq: s.seq.Add(1)}, nil
	}
	if b.meta.Versioning == "" {
		if old := b.version(key, nullVersion); old != nil {
			c.remove(old)
		}
		return deleted{event: EventDelete, seq: s.seq.Add(1)}, nil
	}
	marker := &objectVersion{Key: key, DeleteMarker: true, VersionID: nullVersion, Seq: s.seq.Add(1), Modified: s.env.Clock.Now().UTC()}
	if b.meta.Versioning == versioningEnabled {
		marker.VersionID = newVersionID()
	}
	c.place(b, marker)
	return deleted{versionID: marker.VersionID, deleteMarker: true, event: EventDeleteMarkerCreated, seq: marker.Seq}, nil
}

// deleteObject serves DeleteObject: 204 whether or not the key existed.
func (s *Service) deleteObject(rq *request) error {
	b, err := s.bucket(rq.bucket)
	if err != nil {
		return err
	}
	defer b.lockKey(rq.key).Unlock()
	var res deleted
	var evs []ObjectEvent
	err = s.mutate(b, func(c *change) error {
		var err error
		if res, err = s.deleteKey(b, c, rq.key, rq.q.Get("versionId")); err != nil {
			return err
		}
		if ev, ok := s.removalEvent(rq, b, rq.key, res); ok {
			evs = append(evs, ev)
		}
		return nil
	}, s.emitter(&evs), s.shower(&evs))
	if err != nil {
		return err
	}
	if res.versionID != "" {
		rq.w.Header().Set("X-Amz-Version-Id", res.versionID)
	}
	if res.deleteMarker {
		rq.w.Header().Set("X-Amz-Delete-Marker", "true")
	}
	rq.w.WriteHeader(http.StatusNoContent)
	return nil
}

type deleteRequest struct {
	XMLName xml.Name `xml:"Delete"`
	Quiet   bool     `xml:"Quiet"`
	Objects []struct {
		Key       string `xml:"Key"`
		VersionID string `xml:"VersionId"`
	} `xml:"Object"`
}

type deleteResult struct {
	XMLName xml.Name        `xml:"http://s3.amazonaws.com/doc/2006-03-01/ DeleteResult"`
	Deleted []deletedEntry  `xml:"Deleted"`
	Errors  []deleteFailure `xml:"Error"`
}

type deletedEntry struct {
	Key                   string `xml:"Key"`
	VersionID             string `xml:"VersionId,omitempty"`
	DeleteMarker          bool   `xml:"DeleteMarker,omitempty"`
	DeleteMarkerVersionID string `xml:"DeleteMarkerVersionId,omitempty"`
}

type deleteFailure struct {
	Key       string `xml:"Key"`
	VersionID string `xml:"VersionId,omitempty"`
	Code      string `xml:"Code"`
	Message   string `xml:"Message"`
}

// deleteObjects serves DeleteObjects: up to 1,000 keys in one store
// transaction, each with DeleteObject's semantics (a key named twice with
// the same version is deleted once), per-key errors in the
// result, and only the errors when Quiet. S3 requires Content-MD5 or a
// flexible checksum header on this request; the body is verified against it.
func (s *Service) deleteObjects(rq *request) error {
	if rq.r.Header.Get("Content-MD5") == "" && !hasChecksumHeader(rq.r.Header) {
		return errInvalidRequest("Missing required header for this request: Content-MD5")
	}
	b, err := s.bucket(rq.bucket)
	if err != nil {
		return err
	}
	var req deleteRequest
	if _, err := readXML(rq.r, &req); err != nil {
		return err
	}
	if len(req.Objects) == 0 || len(req.Objects) > maxDeleteKeys {
		return errMalformedXML()
	}
	keys := make([]string, 0, len(req.Objects))
	for _, o := range req.Objects {
		keys = append(keys, o.Key)
	}
	defer b.lockKeys(keys...)()
	var out deleteResult
	var evs []ObjectEvent
	err = s.mutate(b, func(c *change) error {
		// A key and version named twice is deleted once and reported twice.
		type target struct{ key, versionID string }
		done := map[target]deleted{}
		for _, o := range req.Objects {
			if err := checkKey(o.Key); err != nil || o.Key == "" {
				out.Errors = append(out.Errors, deleteFailure{Key: o.Key, VersionID: o.VersionID, Code: "InvalidArgument", Message: "Invalid key"})
				continue
			}
			t := target{o.Key, o.VersionID}
			res, seen := done[t]
			if !seen {
				var err error
				res, err = s.deleteKey(b, c, o.Key, o.VersionID)
				if e, ok := asAWSError(err); ok {
					out.Errors = append(out.Errors, deleteFailure{Key: o.Key, VersionID: o.VersionID, Code: e.Code, Message: e.Message})
					continue
				}
				done[t] = res
				if ev, ok := s.removalEvent(rq, b, o.Key, res); ok {
					evs = append(evs, ev)
				}
			}
			if req.Quiet {
				continue
			}
			entry := deletedEntry{Key: o.Key, VersionID: o.VersionID, DeleteMarker: res.deleteMarker}
			if res.deleteMarker {
				entry.DeleteMarkerVersionID = res.versionID
			}
			out.Deleted = append(out.Deleted, entry)
		}
		return nil
	}, s.emitter(&evs), s.shower(&evs))
	if err != nil {
		return err
	}
	return writeXML(rq.w, out)
}

// hasChecksumHeader reports whether h carries a flexible checksum value or
// announces one as a trailer.
func hasChecksumHeader(h http.Header) bool {
	for _, a := range algorithms {
		if h.Get(checksumHeader(a)) != "" {
			return true
		}
	}
	return h.Get("X-Amz-Trailer") != "" || h.Get("X-Amz-Sdk-Checksum-Algorithm") != ""
}
