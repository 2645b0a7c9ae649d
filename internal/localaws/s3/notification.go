package s3

import (
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// A NotificationConfiguration is a bucket's event notification
// configuration, in the XML shape of PutBucketNotificationConfiguration
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html).
// Stored configurations have an ID on every entry (S3 generates missing ones).
type NotificationConfiguration struct {
	XMLName     xml.Name              `xml:"NotificationConfiguration"`
	Xmlns       string                `xml:"xmlns,attr,omitempty"`
	Topics      []TopicConfiguration  `xml:"TopicConfiguration"`
	Queues      []QueueConfiguration  `xml:"QueueConfiguration"`
	Functions   []LambdaConfiguration `xml:"CloudFunctionConfiguration"`
	EventBridge *struct{}             `xml:"EventBridgeConfiguration"`
}

// A TopicConfiguration sends matching events to an SNS topic.
type TopicConfiguration struct {
	ID       string              `xml:"Id,omitempty"`
	TopicArn string              `xml:"Topic"`
	Events   []string            `xml:"Event"`
	Filter   *NotificationFilter `xml:"Filter,omitempty"`
}

// A QueueConfiguration sends matching events to an SQS queue.
type QueueConfiguration struct {
	ID       string              `xml:"Id,omitempty"`
	QueueArn string              `xml:"Queue"`
	Events   []string            `xml:"Event"`
	Filter   *NotificationFilter `xml:"Filter,omitempty"`
}

// A LambdaConfiguration invokes a Lambda function for matching events.
type LambdaConfiguration struct {
	ID          string              `xml:"Id,omitempty"`
	FunctionArn string              `xml:"CloudFunction"`
	Events      []string            `xml:"Event"`
	Filter      *NotificationFilter `xml:"Filter,omitempty"`
}

// A NotificationFilter restricts events by key prefix and suffix.
type NotificationFilter struct {
	Rules []FilterRule `xml:"S3Key>FilterRule"`
}

// A FilterRule is a "prefix" or "suffix" rule on the object key.
type FilterRule struct {
	Name  string `xml:"Name"`
	Value string `xml:"Value"`
}

// Empty reports whether cfg has no destination at all (such a PUT clears
// the configuration, AWS-RULES S14).
func (cfg *NotificationConfiguration) Empty() bool {
	return len(cfg.Topics) == 0 && len(cfg.Queues) == 0 && len(cfg.Functions) == 0 && cfg.EventBridge == nil
}

// Matches reports whether an event named eventName ("s3:ObjectCreated:Put")
// for key passes a configuration entry's events and filter, as S3 matches
// them (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html).
func Matches(events []string, filter *NotificationFilter, eventName, key string) bool {
	matched := false
	for _, e := range events {
		if e == eventName || (strings.HasSuffix(e, ":*") && strings.HasPrefix(eventName, strings.TrimSuffix(e, "*"))) {
			matched = true
			break
		}
	}
	if !matched || filter == nil {
		return matched
	}
	for _, r := range filter.Rules {
		switch strings.ToLower(r.Name) {
		case "prefix":
			if !strings.HasPrefix(key, r.Value) {
				return false
			}
		case "suffix":
			if !strings.HasSuffix(key, r.Value) {
				return false
			}
		}
	}
	return true
}

// notificationEvents are the event types a configuration may name
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html).
var notificationEvents = map[string]bool{
	"s3:TestEvent": false, "s3:ObjectCreated:*": true, "s3:ObjectCreated:Put": true, "s3:ObjectCreated:Post": true,
	"s3:ObjectCreated:Copy": true, "s3:ObjectCreated:CompleteMultipartUpload": true, "s3:ObjectRemoved:*": true,
	"s3:ObjectRemoved:Delete": true, "s3:ObjectRemoved:DeleteMarkerCreated": true, "s3:ObjectRestore:*": true,
	"s3:ObjectRestore:Post": true, "s3:ObjectRestore:Completed": true, "s3:ObjectRestore:Delete": true,
	"s3:ReducedRedundancyLostObject": true, "s3:Replication:*": true, "s3:LifecycleExpiration:*": true,
	"s3:LifecycleExpiration:Delete": true, "s3:LifecycleExpiration:DeleteMarkerCreated": true,
	"s3:LifecycleTransition": true, "s3:IntelligentTiering": true, "s3:ObjectTagging:*": true,
	"s3:ObjectTagging:Put": true, "s3:ObjectTagging:Delete": true, "s3:ObjectAcl:Put": true,
}

// validate checks events and filters and fills in missing IDs.
func (cfg *NotificationConfiguration) validate() error {
	check := func(id *string, arn string, events []string, f *NotificationFilter) error {
		if arn == "" || len(events) == 0 {
			return errMalformedXML()
		}
		for _, e := range events {
			if !notificationEvents[e] {
				return errInvalidArgument("", "", "The event is not supported for notifications")
			}
		}
		if f != nil {
			seen := map[string]bool{}
			for _, r := range f.Rules {
				name := strings.ToLower(r.Name)
				if (name != "prefix" && name != "suffix") || seen[name] {
					return errInvalidArgument("FilterRule", r.Name, "Invalid filter rule name or duplicate rule.")
				}
				seen[name] = true
			}
		}
		if *id == "" {
			*id = newVersionID()
		}
		return nil
	}
	for i := range cfg.Topics {
		c := &cfg.Topics[i]
		if err := check(&c.ID, c.TopicArn, c.Events, c.Filter); err != nil {
			return err
		}
	}
	for i := range cfg.Queues {
		c := &cfg.Queues[i]
		if err := check(&c.ID, c.QueueArn, c.Events, c.Filter); err != nil {
			return err
		}
	}
	for i := range cfg.Functions {
		c := &cfg.Functions[i]
		if err := check(&c.ID, c.FunctionArn, c.Events, c.Filter); err != nil {
			return err
		}
	}
	return nil
}

// emptyNotification is what GetBucketNotificationConfiguration returns for
// a bucket without a configuration.
const emptyNotification = xml.Header + `<NotificationConfiguration xmlns="` + xmlns + `"></NotificationConfiguration>`

func (s *Service) getBucketNotification(rq *request) error {
	if err := s.getDoc(rq, docKind{name: docNotification, contentType: "application/xml", fallback: emptyNotification}); err != nil {
		return err
	}
	return nil
}

// putBucketNotification serves PutBucketNotificationConfiguration: the new
// configuration replaces the old one whole (AWS-RULES S4); an empty one
// clears it. Unless x-amz-skip-destination-validation is true, the
// Options.ValidateNotification hook vets the destinations first.
func (s *Service) putBucketNotification(rq *request) error {
	b, err := s.bucket(rq.bucket)
	if err != nil {
		return err
	}
	var cfg NotificationConfiguration
	if _, err := readXML(rq.r, &cfg); err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	cfg.Xmlns = xmlns
	doc, err := marshalDoc(cfg)
	if err != nil {
		return err
	}
	skip := strings.EqualFold(rq.r.Header.Get("X-Amz-Skip-Destination-Validation"), "true")
	err = s.updateMeta(rq, b, http.StatusOK, func(m *bucketMeta) error {
		if cfg.Empty() {
			delete(m.Sub, docNotification)
			return nil
		}
		if s.opts.ValidateNotification != nil && !skip {
			if err := s.opts.ValidateNotification(m.Name, m.Region, &cfg); err != nil {
				if _, ok := asAWSError(err); ok {
					return err
				}
				return awsproto.Errorf(http.StatusBadRequest, "InvalidArgument", "Unable to validate the following destination configurations")
			}
		}
		m.Sub[docNotification] = doc
		return nil
	})
	if err == nil && !cfg.Empty() && s.opts.OnNotificationConfigured != nil {
		s.opts.OnNotificationConfigured(b.name, cfg)
	}
	return err
}
