package logs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

// retentionDays are the values PutRetentionPolicy accepts
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
var retentionDays = []int32{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// Log group classes (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html).
var groupClasses = []string{"STANDARD", "INFREQUENT_ACCESS", "DELIVERY"}

type createLogGroupInput struct {
	LogGroupName  *string           `json:"logGroupName"`
	KmsKeyID      *string           `json:"kmsKeyId"`
	Tags          map[string]string `json:"tags"`
	LogGroupClass *string           `json:"logGroupClass"`
}

func (s *Service) createLogGroup(c *call) (any, error) {
	var in createLogGroupInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	name := deref(in.LogGroupName)
	if err := validGroupName("logGroupName", name); err != nil {
		return nil, err
	}
	class := "STANDARD"
	if in.LogGroupClass != nil {
		class = *in.LogGroupClass
		if !slices.Contains(groupClasses, class) {
			return nil, validation(class, "logGroupClass", "Member must satisfy enum value set: ["+strings.Join(groupClasses, ", ")+"]")
		}
	}
	if err := validTags(in.Tags); err != nil {
		return nil, err
	}
	_, err := s.createGroup(name, func(g *group) {
		g.kmsKeyID = deref(in.KmsKeyID)
		g.class = class
		if len(in.Tags) > 0 {
			g.tags = in.Tags
		}
	})
	return nil, err
}

// createGroup creates and persists the group name, letting init set its
// attributes first. It fails with ResourceAlreadyExistsException when the
// group exists.
func (s *Service) createGroup(name string, init func(*group)) (*group, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.groups[name]; ok {
		return nil, groupExists()
	}
	g := &group{name: name, created: s.now(), class: "STANDARD", streams: map[string]*stream{}}
	if init != nil {
		init(g)
	}
	if err := s.env.Store.Update(func(tx *store.Tx) error { return putGroup(tx, g) }); err != nil {
		return nil, fmt.Errorf("store log group %s: %w", name, err)
	}
	s.groups[name] = g
	return g, nil
}

type logGroupNameInput struct {
	LogGroupName *string `json:"logGroupName"`
}

func (s *Service) deleteLogGroup(c *call) (any, error) {
	var in logGroupNameInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	name := deref(in.LogGroupName)
	if err := validGroupName("logGroupName", name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.groups[name]
	if !ok {
		return nil, groupNotFound()
	}
	g.mu.Lock() // waits for writers that found the group before us
	defer g.mu.Unlock()
	err := s.env.Store.Update(func(tx *store.Tx) error {
		if err := tx.Delete(tableGroup, name); err != nil {
			return err
		}
		if err := tx.DeletePrefix(tableStream, name+sep); err != nil {
			return err
		}
		if err := tx.DeletePrefix(tableEvent, name+sep); err != nil {
			return err
		}
		return putSeq(tx, s.seq.Load())
	})
	if err != nil {
		return nil, fmt.Errorf("delete log group %s: %w", name, err)
	}
	g.deleted = true
	delete(s.groups, name)
	return nil, nil
}

// lookup returns the live group name, read-locked or write-locked as asked;
// the caller unlocks it.
func (s *Service) lookup(name string, write bool) (*group, error) {
	s.mu.RLock()
	g, ok := s.groups[name]
	s.mu.RUnlock()
	if !ok {
		return nil, groupNotFound()
	}
	if write {
		g.mu.Lock()
	} else {
		g.mu.RLock()
	}
	if g.deleted {
		if write {
			g.mu.Unlock()
		} else {
			g.mu.RUnlock()
		}
		return nil, groupNotFound()
	}
	return g, nil
}

type describeLogGroupsInput struct {
	LogGroupNamePrefix  *string `json:"logGroupNamePrefix"`
	LogGroupNamePattern *string `json:"logGroupNamePattern"`
	LogGroupClass       *string `json:"logGroupClass"`
	Limit               *int32  `json:"limit"`
	NextToken           *string `json:"nextToken"`
}

type logGroupOutput struct {
	LogGroupName      string `json:"logGroupName"`
	CreationTime      int64  `json:"creationTime"`
	RetentionInDays   *int32 `json:"retentionInDays,omitempty"`
	MetricFilterCount int32  `json:"metricFilterCount"`
	Arn               string `json:"arn"`
	LogGroupArn       string `json:"logGroupArn"`
	StoredBytes       int64  `json:"storedBytes"`
	KmsKeyID          string `json:"kmsKeyId,omitempty"`
	LogGroupClass     string `json:"logGroupClass"`
}

type describeLogGroupsOutput struct {
	LogGroups []logGroupOutput `json:"logGroups"`
	NextToken *string          `json:"nextToken,omitempty"`
}

// describeLogGroups lists groups in name order. logGroupNamePrefix is a
// prefix match; logGroupNamePattern a case-sensitive substring match; the two
// exclude each other
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html).
// The page token is the last name returned, so groups created or deleted
// between pages cause neither duplicates nor gaps.
func (s *Service) describeLogGroups(c *call) (any, error) {
	var in describeLogGroupsInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		return nil, invalidParam("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
	}
	limit, err := limitArg(in.Limit, 50, 50)
	if err != nil {
		return nil, err
	}
	after := ""
	if in.NextToken != nil {
		t, ok := decodePageToken(*in.NextToken)
		if !ok {
			return nil, invalidToken()
		}
		after = t.name
	}
	s.mu.RLock()
	var names []string
	for name := range s.groups {
		switch {
		case in.NextToken != nil && name <= after:
		case in.LogGroupNamePrefix != nil && !strings.HasPrefix(name, *in.LogGroupNamePrefix):
		case in.LogGroupNamePattern != nil && !strings.Contains(name, *in.LogGroupNamePattern):
		default:
			names = append(names, name)
		}
	}
	slices.Sort(names)
	groups := make([]*group, 0, len(names))
	for _, n := range names {
		groups = append(groups, s.groups[n])
	}
	s.mu.RUnlock()

	out := describeLogGroupsOutput{LogGroups: []logGroupOutput{}}
	for _, g := range groups {
		g.mu.RLock()
		o, keep := s.describeGroup(c.region, g), !g.deleted && (in.LogGroupClass == nil || g.class == *in.LogGroupClass)
		g.mu.RUnlock()
		if !keep {
			continue
		}
		if len(out.LogGroups) == limit {
			tok := encodePageToken(pageToken{name: out.LogGroups[limit-1].LogGroupName})
			out.NextToken = &tok
			break
		}
		out.LogGroups = append(out.LogGroups, o)
	}
	return out, nil
}

// describeGroup renders g, which the caller has locked.
func (s *Service) describeGroup(region string, g *group) logGroupOutput {
	arn := s.groupARN(region, g.name)
	o := logGroupOutput{LogGroupName: g.name, CreationTime: g.created, Arn: arn + ":*", LogGroupArn: arn,
		StoredBytes: g.storedBytes(), KmsKeyID: g.kmsKeyID, LogGroupClass: g.class}
	if g.retention != 0 {
		r := g.retention
		o.RetentionInDays = &r
	}
	return o
}

type putRetentionPolicyInput struct {
	LogGroupName    *string `json:"logGroupName"`
	RetentionInDays *int32  `json:"retentionInDays"`
}

func (s *Service) putRetentionPolicy(c *call) (any, error) {
	var in putRetentionPolicyInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	name := deref(in.LogGroupName)
	if err := validGroupName("logGroupName", name); err != nil {
		return nil, err
	}
	if in.RetentionInDays == nil || !slices.Contains(retentionDays, *in.RetentionInDays) {
		var v any = "null"
		if in.RetentionInDays != nil {
			v = *in.RetentionInDays
		}
		return nil, validation(v, "retentionInDays", "Member must satisfy enum value set: "+retentionSet())
	}
	return nil, s.setRetention(name, *in.RetentionInDays)
}

func retentionSet() string {
	parts := make([]string, len(retentionDays))
	for i, d := range retentionDays {
		parts[i] = itoa(int64(d))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func (s *Service) deleteRetentionPolicy(c *call) (any, error) {
	var in logGroupNameInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	name := deref(in.LogGroupName)
	if err := validGroupName("logGroupName", name); err != nil {
		return nil, err
	}
	return nil, s.setRetention(name, 0)
}

// setRetention sets the retention of group name; 0 removes it.
func (s *Service) setRetention(name string, days int32) error {
	g, err := s.lookup(name, true)
	if err != nil {
		return err
	}
	defer g.mu.Unlock()
	old := g.retention
	g.retention = days
	if err := s.env.Store.Update(func(tx *store.Tx) error { return putGroup(tx, g) }); err != nil {
		g.retention = old
		return fmt.Errorf("store retention of log group %s: %w", name, err)
	}
	return nil
}
