package localaws

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/s3"
)

// s3EventTimeFormat is the eventTime layout of S3 notifications:
// ISO 8601 with milliseconds in UTC, e.g. 2024-05-01T12:00:00.123Z.
const s3EventTimeFormat = "2006-01-02T15:04:05.000Z"

// s3Event is an S3 event notification message, with its fields in the order
// S3 writes them
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
type s3Event struct {
	Records []s3EventRecord `json:"Records"`
}

type s3EventRecord struct {
	EventVersion string `json:"eventVersion"`
	EventSource  string `json:"eventSource"`
	AWSRegion    string `json:"awsRegion"`
	EventTime    string `json:"eventTime"`
	EventName    string `json:"eventName"`
	UserIdentity struct {
		PrincipalID string `json:"principalId"`
	} `json:"userIdentity"`
	RequestParameters struct {
		SourceIPAddress string `json:"sourceIPAddress"`
	} `json:"requestParameters"`
	ResponseElements struct {
		RequestID string `json:"x-amz-request-id"`
		ID2       string `json:"x-amz-id-2"`
	} `json:"responseElements"`
	S3 struct {
		SchemaVersion   string `json:"s3SchemaVersion"`
		ConfigurationID string `json:"configurationId"`
		Bucket          struct {
			Name          string `json:"name"`
			OwnerIdentity struct {
				PrincipalID string `json:"principalId"`
			} `json:"ownerIdentity"`
			ARN string `json:"arn"`
		} `json:"bucket"`
		// Object has no size and no eTag in an ObjectRemoved event, as
		// in S3's (confirmed against AWS in
		// https://github.com/aws-powertools/powertools-lambda-python/issues/4156).
		Object struct {
			Key       string `json:"key"`
			Size      *int64 `json:"size,omitempty"`
			ETag      string `json:"eTag,omitempty"`
			VersionID string `json:"versionId,omitempty"`
			Sequencer string `json:"sequencer"`
		} `json:"object"`
	} `json:"s3"`
}

// s3EventMessage renders ev, matched by the configuration entry
// configurationID, as the JSON message S3 publishes.
func s3EventMessage(ev s3.ObjectEvent, configurationID, account string) string {
	var r s3EventRecord
	r.EventVersion = "2.1"
	r.EventSource = "aws:s3"
	r.AWSRegion = ev.Region
	r.EventTime = ev.Time.UTC().Format(s3EventTimeFormat)
	r.EventName = ev.EventName
	r.UserIdentity.PrincipalID = principal(ev.Requester, account)
	r.RequestParameters.SourceIPAddress = ev.SourceIP
	r.ResponseElements.RequestID = ev.RequestID
	r.ResponseElements.ID2 = ev.RequestID
	r.S3.SchemaVersion = "1.0"
	r.S3.ConfigurationID = configurationID
	r.S3.Bucket.Name = ev.Bucket
	r.S3.Bucket.OwnerIdentity.PrincipalID = account
	r.S3.Bucket.ARN = "arn:aws:s3:::" + ev.Bucket
	r.S3.Object.Key = EncodeEventKey(ev.Key)
	if !ev.Removed() {
		size := ev.Size
		r.S3.Object.Size, r.S3.Object.ETag = &size, ev.ETag
	}
	r.S3.Object.VersionID = ev.VersionID
	r.S3.Object.Sequencer = ev.Sequencer
	data, _ := json.Marshal(s3Event{Records: []s3EventRecord{r}})
	return string(data)
}

func principal(accessKey, account string) string {
	if accessKey == "" {
		return "AWS:" + account
	}
	return "AWS:" + accessKey
}

// EncodeEventKey encodes an object key as S3 does in event notifications:
// URL form encoding (a space becomes "+", reserved bytes %XX), with "/"
// left as it is (the handler decodes with url.QueryUnescape).
func EncodeEventKey(key string) string {
	return strings.ReplaceAll(url.QueryEscape(key), "%2F", "/")
}

// s3TestEvent is the message S3 sends to each destination when a
// notification configuration is set (AWS-RULES S7).
func s3TestEvent(bucket, requestID string, now time.Time) string {
	data, _ := json.Marshal(struct {
		Service   string `json:"Service"`
		Event     string `json:"Event"`
		Time      string `json:"Time"`
		Bucket    string `json:"Bucket"`
		RequestID string `json:"RequestId"`
		HostID    string `json:"HostId"`
	}{"Amazon S3", "s3:TestEvent", now.UTC().Format(s3EventTimeFormat), bucket, requestID, requestID})
	return string(data)
}
