package config

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Validate checks c against every rule edasctl and AWS impose and returns
// all problems, joined, one *FieldError per line, in schema order (stack,
// region, bucket, function, logs, consumers, tags). It returns nil for a
// valid Config. Validate makes no AWS call: derived names are checked with a
// 12-digit account ID and the configured region, or the longest region
// name when none is configured.
func (c *Config) Validate() error {
	v := &validator{}
	stackOK := v.stack(c)
	v.region(c.Region)
	v.bucket(c, stackOK)
	v.function("function", c.Function, nil)
	v.logs(c.Logs)
	v.consumers(c, stackOK)
	v.tags(c.Tags)
	return errors.Join(v.errs...)
}

// A validator collects FieldErrors.
type validator struct {
	errs []error
}

func (v *validator) add(key, format string, args ...any) {
	v.errs = append(v.errs, &FieldError{Key: key, Msg: fmt.Sprintf(format, args...)})
}

// intRange reports val unless lo ≤ val ≤ hi, and says whether it is in range.
func (v *validator) intRange(key string, val, lo, hi int) bool {
	if val < lo || val > hi {
		v.add(key, "%d is out of range %d–%d", val, lo, hi)
		return false
	}
	return true
}

// stackPattern is the character set of a stack name: the intersection of
// what S3 bucket names (lowercase), SQS queue and Lambda function names
// ([A-Za-z0-9_-]) and IAM role names ([\w+=,.@-]) allow.
var stackPattern = regexp.MustCompile(`^[a-z0-9-]+$`)

// stack checks the stack name and the names derived from it alone, and
// reports whether the name itself is well formed (so consumer-derived names
// can be checked too).
func (v *validator) stack(c *Config) bool {
	s := c.Stack
	switch {
	case s == "":
		v.add("stack", "required: it prefixes every resource name")
		return false
	case !stackPattern.MatchString(s):
		v.add("stack", "%q may contain only lowercase letters, digits and hyphens", s)
		return false
	}
	ok := true
	if s[0] < 'a' || s[0] > 'z' {
		v.add("stack", "%q must start with a lowercase letter", s)
		ok = false
	}
	if strings.Contains(s, "--") {
		v.add("stack", "%q must not contain \"--\"", s)
		ok = false
	}
	if strings.HasSuffix(s, "-") {
		v.add("stack", "%q must not end with \"-\"", s)
		ok = false
	}
	if !ok {
		return false
	}
	if name := c.TopicName(); len(name) > topicNameMax {
		v.add("stack", "derived topic name %q is %d characters, above SNS's limit of %d; use a shorter stack name",
			name, len(name), topicNameMax)
	}
	return true
}

// regionPattern matches region names: us-east-1, us-gov-west-1, cn-north-1,
// and, with its four-letter partition prefix, eusc-de-east-1.
var regionPattern = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$`)

func (v *validator) region(r string) {
	if r != "" && !regionPattern.MatchString(r) {
		v.add("region", "%q is not a region name like us-east-1", r)
	}
}

// bucket checks the bucket name (configured, or derived when the stack is
// well formed) and the input prefix.
func (v *validator) bucket(c *Config, stackOK bool) {
	switch {
	case c.Bucket.Name != "":
		problems, _ := bucketNameProblems(c.Bucket.Name)
		for _, p := range problems {
			v.add("bucket.name", "%q %s", c.Bucket.Name, p)
		}
	case stackOK:
		region, assumed := c.Region, " (for a 12-digit account ID)"
		if region == "" || !regionPattern.MatchString(region) {
			region, assumed = longestRegion, " (for a 12-digit account ID and the longest region name)"
		}
		name := c.BucketName(exampleAccountID, region)
		problems, tooLong := bucketNameProblems(name)
		fix := "choose another stack name or set bucket.name"
		if tooLong {
			fix = "use a shorter stack name or set bucket.name"
		}
		for _, p := range problems {
			v.add("stack", "derived bucket name %q%s %s; %s", name, assumed, p, fix)
		}
	}
	v.inputPrefix(c.Bucket.InputPrefix)
}

// inputPrefix checks bucket.inputPrefix: a "directory" of the bucket that
// does not contain, and is not contained in, an output prefix, since S3
// notifies for every object created under it.
func (v *validator) inputPrefix(p string) {
	const key = "bucket.inputPrefix"
	if p == "" {
		v.add(key, "required: the key prefix of uploads, such as %q", DefaultInputPrefix)
		return
	}
	if strings.HasPrefix(p, "/") {
		v.add(key, "%q must not start with \"/\"", p)
	}
	if !strings.HasSuffix(p, "/") {
		v.add(key, "%q must end with \"/\"", p)
	}
	for _, out := range outputPrefixes {
		if strings.HasPrefix(p, out) || strings.HasPrefix(out, p) {
			v.add(key, "%q overlaps the output prefix %q, so the pipeline would trigger itself", p, out)
		}
	}
}

// function checks function settings at path ("function" or "consumers[i]").
// With a base, only the values that differ from it (a consumer's overrides)
// are checked; the others were checked as function.*.
func (v *validator) function(path string, f Function, base *Function) {
	if base == nil || f.Architecture != base.Architecture {
		if f.Architecture != ArchARM64 && f.Architecture != ArchX8664 {
			v.add(path+".architecture", "%q must be %s or %s", f.Architecture, ArchARM64, ArchX8664)
		}
	}
	if base == nil || f.MemoryMB != base.MemoryMB {
		v.intRange(path+".memoryMB", f.MemoryMB, memoryMin, memoryMax)
	}
	if base == nil || f.TimeoutSeconds != base.TimeoutSeconds {
		v.intRange(path+".timeoutSeconds", f.TimeoutSeconds, timeoutMin, timeoutMax)
		if vis := VisibilityFactor * f.TimeoutSeconds; vis > visibilityMaxSeconds {
			v.add(path+".timeoutSeconds", "%d makes the queue visibility timeout %d s (%d × timeout), above SQS's limit of %d s (12 h)",
				f.TimeoutSeconds, vis, VisibilityFactor, visibilityMaxSeconds)
		}
	}
}

func (v *validator) logs(l Logs) {
	if !slices.Contains(allowedRetentionDays, l.RetentionDays) {
		v.add("logs.retentionDays", "%d is not a retention CloudWatch Logs accepts (%s)",
			l.RetentionDays, joinInts(allowedRetentionDays))
	}
}

// joinInts renders a list of numbers as "1, 3, 5".
func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
