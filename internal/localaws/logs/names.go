package logs

import (
	"strings"
)

// Name constraints from the CloudWatch Logs API model
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html,
// API_CreateLogStream.html): a log group name is 1–512 of [.\-_/#A-Za-z0-9];
// a log stream name is 1–512 characters other than ':' and '*'. The local
// AWS also refuses control characters in stream names.
const (
	maxNameLen        = 512
	groupNamePattern  = `[\.\-_/#A-Za-z0-9]+`
	streamNamePattern = `[^:*]*`
)

func validGroupName(member, name string) error {
	if len(name) < 1 || len(name) > maxNameLen {
		return validation(name, member, "Member must have length between 1 and 512")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := c == '.' || c == '-' || c == '_' || c == '/' || c == '#' ||
			c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !ok {
			return validation(name, member, "Member must satisfy regular expression pattern: "+groupNamePattern)
		}
	}
	return nil
}

func validStreamName(member, name string) error {
	if len(name) < 1 || len(name) > maxNameLen {
		return validation(name, member, "Member must have length between 1 and 512")
	}
	if strings.ContainsAny(name, ":*") || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return validation(name, member, "Member must satisfy regular expression pattern: "+streamNamePattern)
	}
	return nil
}

// groupARN is the ARN of a log group as Describe* reports it in arn, with the
// trailing ":*"; logGroupArn is the same without it.
func (s *Service) groupARN(region, name string) string {
	return s.env.ARN("logs", region, "log-group:"+name)
}

func (s *Service) streamARN(region, group, stream string) string {
	return s.env.ARN("logs", region, "log-group:"+group+":log-stream:"+stream)
}

// groupFromIdentifier returns the log group name that identifier names: a
// name, or a log group ARN with or without the trailing ":*".
func groupFromIdentifier(identifier string) string {
	if !strings.HasPrefix(identifier, "arn:") {
		return identifier
	}
	_, rest, ok := strings.Cut(identifier, ":log-group:")
	if !ok {
		return identifier
	}
	return strings.TrimSuffix(rest, ":*")
}

// groupArg resolves the logGroupName / logGroupIdentifier pair of a request:
// exactly one of them must be given.
func groupArg(name, identifier *string) (string, error) {
	switch {
	case name != nil && identifier != nil:
		return "", invalidParam("LogGroup name and LogGroup ARN are mutually exclusive parameters.")
	case name != nil:
		return *name, nil
	case identifier != nil:
		return groupFromIdentifier(*identifier), nil
	default:
		return "", invalidParam("Should provide either name or ARN of log group.")
	}
}
