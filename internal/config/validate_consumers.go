package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// consumerNamePattern is the character set of consumer names. They end up
// in queue, function, role and log group names, so they use the characters
// all of those (and stack names) allow.
var consumerNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// dlqSuffix ends every dead-letter queue name; a consumer named "x-dlq"
// would take the name of consumer "x"'s DLQ.
const dlqSuffix = "-dlq"

// consumers checks each consumer, and the names derived from it when both
// the stack and the consumer name are well formed.
func (v *validator) consumers(c *Config, stackOK bool) {
	if len(c.Consumers) == 0 {
		v.add("consumers", "at least one consumer is required")
		return
	}
	first := map[string]int{} // name -> index of its first use
	for i, cons := range c.Consumers {
		path := fmt.Sprintf("consumers[%d]", i)
		nameOK := v.consumerName(path+".name", cons.Name)
		if j, dup := first[cons.Name]; dup && cons.Name != "" {
			v.add(path+".name", "%q is already the name of consumers[%d]", cons.Name, j)
		} else {
			first[cons.Name] = i
		}
		v.action(path+".action", cons.Action)
		v.filter(path+".filter", cons.Filter, c.Bucket.InputPrefix)
		v.mapping(path, cons)
		v.function(path, cons.Function, &c.Function)
		if stackOK && nameOK {
			v.derivedNames(path+".name", c, cons.Name)
		}
	}
}

// consumerName checks a consumer's name and reports whether it is well
// formed.
func (v *validator) consumerName(key, name string) bool {
	switch {
	case name == "":
		v.add(key, "required")
		return false
	case !consumerNamePattern.MatchString(name):
		v.add(key, "%q may contain only lowercase letters, digits and hyphens, and must start with a letter or digit", name)
		return false
	case strings.HasSuffix(name, dlqSuffix):
		v.add(key, "%q must not end with %q, which would clash with a dead-letter queue's name", name, dlqSuffix)
		return false
	}
	return true
}

func (v *validator) action(key, action string) {
	switch {
	case action == "":
		v.add(key, "required: one of %s", strings.Join(actions, ", "))
	case !slices.Contains(actions, action):
		v.add(key, "%q is not a known action (%s)", action, strings.Join(actions, ", "))
	}
}

// filter checks a consumer's key filter. Prefixes are full keys, so one that
// neither contains nor is contained in the input prefix matches no upload.
func (v *validator) filter(key string, f Filter, inputPrefix string) {
	for i, s := range f.Suffix {
		if s == "" {
			v.add(fmt.Sprintf("%s.suffix[%d]", key, i), "must not be empty")
		}
	}
	for i, p := range f.Prefix {
		k := fmt.Sprintf("%s.prefix[%d]", key, i)
		switch {
		case p == "":
			v.add(k, "must not be empty")
		case inputPrefix != "" && !strings.HasPrefix(p, inputPrefix) && !strings.HasPrefix(inputPrefix, p):
			v.add(k, "%q is outside bucket.inputPrefix %q, so no upload would match", p, inputPrefix)
		}
	}
}

// mapping checks the event source mapping and redrive settings.
func (v *validator) mapping(path string, c Consumer) {
	windowOK := v.intRange(path+".batchWindowSeconds", c.BatchWindowSeconds, batchWindowMin, batchWindowMax)
	switch {
	case windowOK && c.BatchWindowSeconds >= 1:
		v.intRange(path+".batchSize", c.BatchSize, batchSizeMin, batchSizeWindowedMax)
	case c.BatchSize > batchSizeMax && c.BatchSize <= batchSizeWindowedMax:
		v.add(path+".batchSize", "%d is out of range %d–%d; up to %d needs batchWindowSeconds ≥ 1",
			c.BatchSize, batchSizeMin, batchSizeMax, batchSizeWindowedMax)
	default:
		v.intRange(path+".batchSize", c.BatchSize, batchSizeMin, batchSizeMax)
	}
	v.intRange(path+".maxConcurrency", c.MaxConcurrency, maxConcurrencyMin, maxConcurrencyMax)
	v.intRange(path+".maxReceiveCount", c.MaxReceiveCount, maxReceiveCountMin, maxReceiveCountMax)
}

// derivedNames checks the lengths of the names derived from the stack and
// consumer name. Their characters are legal by construction: stack and
// consumer names use only [a-z0-9-].
func (v *validator) derivedNames(key string, c *Config, consumer string) {
	checks := []struct {
		what, name, service string
		limit               int
	}{
		{"queue", c.QueueName(consumer), "SQS", queueNameMax},
		{"dead-letter queue", c.DLQName(consumer), "SQS", queueNameMax},
		{"role", c.RoleName(consumer), "IAM", roleNameMax},
		{"function", c.FunctionName(consumer), "Lambda", functionNameMax},
		{"log group", c.LogGroupName(consumer), "CloudWatch Logs", logGroupNameMax},
	}
	for _, d := range checks {
		if len(d.name) > d.limit {
			v.add(key, "derived %s name %q is %d characters, above %s's limit of %d; use a shorter stack or consumer name",
				d.what, d.name, len(d.name), d.service, d.limit)
		}
	}
}
