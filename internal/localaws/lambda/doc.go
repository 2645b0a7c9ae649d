// Package lambda serves the local AWS's Lambda: the REST-JSON API of
// functions (https://docs.aws.amazon.com/lambda/latest/api/welcome.html) and
// their execution as real processes on this host.
//
// Only zip packages of the OS-only runtimes (provided.al2023,
// provided.al2) are run. A function's zip is stored under the data
// directory by its SHA-256, not by name, and unzipped once per code version;
// its bootstrap runs as a child process with a Lambda Runtime API of its own
// (package runtime), an environment like Lambda's, and AWS_ENDPOINT_URL
// pointing back at the local AWS so that the function's own SDK calls stay
// local. The process is built for the host, whatever Architectures says:
// the requested architecture is only recorded.
//
// Instances are reused while warm, reaped after Options.IdleTimeout, killed
// at the function's timeout and on any change of the function. Their output
// becomes CloudWatch Logs events, with Lambda's START, END and REPORT lines,
// through a LogSink. Functions, their code and accepted asynchronous
// invocations survive a restart on the same data directory.
//
// Asynchronous invocations (Invoke with Event, and S3's notifications) are
// retried as Lambda retries them: twice, one and then two minutes apart, or
// as the function's event invoke configuration says (eventinvoke.go); what
// is given up goes to the function's dead-letter queue or topic
// (DeadLetterConfig, deadletter.go), and a record of each invocation that
// ends to its OnSuccess or OnFailure destination (destination.go): an SQS
// queue, an SNS topic or a function. A function's
// resource-based policy (AddPermission, permission.go) is what S3 checks
// before it notifies the function.
package lambda
