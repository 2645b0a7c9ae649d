package sqs

import (
	"net/url"
	"strings"
)

// validQueueName reports whether name is a standard queue name: 1–80
// characters of [A-Za-z0-9_-]
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html).
func validQueueName(name string) bool {
	if len(name) == 0 || len(name) > 80 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// queueURL is the URL of queue name as a client reached the service at
// host: http://<host>/<account>/<name>.
func queueURL(host, account, name string) string {
	return "http://" + host + "/" + account + "/" + name
}

// nameFromURL returns the queue name of a queue URL in any host form
// (http://localhost:4566/000000000000/q, https://sqs.us-east-1.amazonaws.com/000000000000/q,
// or the bare path /000000000000/q); ok is false when the path is not
// /<account>/<name> of this account.
func nameFromURL(raw, account string) (name string, ok bool) {
	path := raw
	if strings.Contains(raw, "://") {
		u, err := url.Parse(raw)
		if err != nil {
			return "", false
		}
		path = u.Path
	}
	return nameFromPath(path, account)
}

// nameFromPath parses /<account>/<name>.
func nameFromPath(path, account string) (string, bool) {
	acct, name, found := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if !found || acct != account || name == "" || strings.Contains(name, "/") {
		return "", false
	}
	return name, true
}

// parseQueueARN splits arn:aws:sqs:<region>:<account>:<name>.
func parseQueueARN(arn string) (region, account, name string, ok bool) {
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sqs" || parts[5] == "" {
		return "", "", "", false
	}
	return parts[3], parts[4], parts[5], true
}
