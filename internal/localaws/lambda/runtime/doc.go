// Package runtime runs one Lambda execution environment of a provided.al2023
// or provided.al2 function on this host, without containers: the function's
// bootstrap executable as a child process, and the Lambda Runtime API
// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) served to
// it on a loopback port of its own.
//
// Each Instance has its own listener because the Runtime API offers no way
// to tell two environments apart: a runtime builds every URL from
// AWS_LAMBDA_RUNTIME_API (host:port) and the fixed /2018-06-01/runtime/…
// paths, with no credential or per-environment path segment. One listener per
// instance therefore is the only way to know which process asks for its next
// event, and it keeps a misbehaving process from seeing another one's events.
//
// Instances run in real time, not on the local AWS's injectable clock: the
// runtime computes its handler's context deadline from
// Lambda-Runtime-Deadline-Ms with the wall clock, so the timeout that kills
// an instance must use the same clock.
package runtime
