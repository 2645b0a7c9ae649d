package sns

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/sns/filterpolicy"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// Store tables.
const (
	tableTopic  = "sns.topic"  // topic ARN → topic JSON
	tableSub    = "sns.sub"    // subscription ARN → subscription JSON
	tableOutbox = "sns.outbox" // 20-digit sequence → Delivery JSON
	tableCount  = "sns.count"  // topic ARN → messages published, decimal
)

// A topic is one SNS topic. Fields are guarded by Service.mu.
type topic struct {
	ARN        string            `json:"arn"`
	Name       string            `json:"name"`
	Region     string            `json:"region"`
	Attributes map[string]string `json:"attributes"` // settable attributes only
	Tags       map[string]string `json:"tags"`
	Created    time.Time         `json:"created"`
	SubsGone   int64             `json:"subsDeleted"` // SubscriptionsDeleted
	pub        *pubCounter       // shared by copies of the topic
}

// A pubCounter counts the messages a topic accepted; mu serialises the
// increment with its durable write so stored counts never go backwards.
type pubCounter struct {
	mu sync.Mutex
	n  int64
	// deleted is set before the topic's deletion is written, so a count
	// queued with store.Later does not bring the deleted count back.
	deleted atomic.Bool
}

// A subscription is one subscription of a topic. Fields are guarded by
// Service.mu; filter is derived from Attributes.
type subscription struct {
	ARN        string            `json:"arn"`
	TopicARN   string            `json:"topicArn"`
	Protocol   string            `json:"protocol"`
	Endpoint   string            `json:"endpoint"`
	Owner      string            `json:"owner"`
	Confirmed  bool              `json:"confirmed"`
	Attributes map[string]string `json:"attributes"` // settable attributes only
	filter     *filterpolicy.Policy
}

// raw reports whether RawMessageDelivery is on.
func (sub *subscription) raw() bool {
	return strings.EqualFold(sub.Attributes["RawMessageDelivery"], "true")
}

// compileFilter derives sub.filter from its attributes, which were
// validated when set.
func (sub *subscription) compileFilter() error {
	sub.filter = nil
	doc := sub.Attributes["FilterPolicy"]
	if doc == "" {
		return nil
	}
	scope := filterpolicy.Scope(sub.Attributes["FilterPolicyScope"])
	if scope == "" {
		scope = filterpolicy.MessageAttributes
	}
	p, err := filterpolicy.Parse(doc, scope)
	if err != nil {
		return err
	}
	sub.filter = p
	return nil
}

func putJSON(tx *store.Tx, table, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s %s: %w", table, key, err)
	}
	return tx.Put(table, key, b)
}

func (s *Service) putTopic(t *topic) error {
	return s.env.Store.Update(func(tx *store.Tx) error { return putJSON(tx, tableTopic, t.ARN, t) })
}

func (s *Service) putSub(sub *subscription) error {
	return s.env.Store.Update(func(tx *store.Tx) error { return putJSON(tx, tableSub, sub.ARN, sub) })
}

// load reads the topics, subscriptions and outbox back from the store.
func (s *Service) load() error {
	return s.env.Store.View(func(tx *store.Tx) error {
		if err := tx.Scan(tableTopic, "", func(k string, v []byte) error {
			t := &topic{}
			if err := json.Unmarshal(v, t); err != nil {
				return fmt.Errorf("load sns topic %s: %w", k, err)
			}
			t.pub = &pubCounter{}
			s.topics[k] = t
			return nil
		}); err != nil {
			return err
		}
		if err := tx.Scan(tableCount, "", func(k string, v []byte) error {
			if t, ok := s.topics[k]; ok {
				t.pub.n, _ = strconv.ParseInt(string(v), 10, 64)
			}
			return nil
		}); err != nil {
			return err
		}
		if err := tx.Scan(tableSub, "", func(k string, v []byte) error {
			sub := &subscription{}
			if err := json.Unmarshal(v, sub); err != nil {
				return fmt.Errorf("load sns subscription %s: %w", k, err)
			}
			if err := sub.compileFilter(); err != nil {
				return fmt.Errorf("load sns subscription %s: %w", k, err)
			}
			s.subs[k] = sub
			return nil
		}); err != nil {
			return err
		}
		return tx.Scan(tableOutbox, "", func(k string, v []byte) error {
			var d Delivery
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("load sns outbox %s: %w", k, err)
			}
			s.outbox.add(d)
			if n, err := strconv.ParseUint(k, 10, 64); err == nil && n > s.seq.Load() {
				s.seq.Store(n)
			}
			return nil
		})
	})
}

// outboxKey is the store key of sequence number n: fixed width so that
// keys sort in publish order.
func outboxKey(n uint64) string { return fmt.Sprintf("%020d", n) }
