// Package sqs serves the local AWS's Amazon SQS over both of its wire
// protocols: JSON 1.0 (X-Amz-Target: AmazonSQS.<Op>, current SDKs and the
// AWS CLI v1) and the query protocol (form POSTs with Action=<Op>, older
// SDKs and Debian's AWS CLI 2.9), answering each in its own shape. SQS is
// awsQueryCompatible: JSON errors carry the modelled code in __type and the
// legacy query code in the x-amzn-query-error header
// (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#aws-protocols-awsquerycompatible-trait).
//
// Standard queues only: a name ending in ".fifo" is refused with
// InvalidParameterValue, because FIFO queues are not served yet.
//
// State. Each queue holds its messages in memory, ordered for receive: a
// ready list of visible messages (FIFO order of becoming visible), a heap of
// delayed and in-flight messages keyed by the time they become visible, and
// a heap keyed by send time for retention expiry. Visibility, delays and
// retention are computed lazily from the service's clock when a request
// touches the queue; no goroutine ticks. Every acknowledged change (queue
// create/delete/attributes, send, receive, delete, visibility change, purge,
// move to a dead-letter queue) is written through to the store in one
// transaction before the response is sent, so it survives kill -9; New loads
// it back.
//
// Concurrency. A service-wide lock guards only the name→queue map; each
// queue has its own lock, held across the store transaction of a request on
// that queue so that memory and store agree. Long polls wait on a per-queue
// broadcast channel and on the clock, outside any lock.
//
// Message move tasks (StartMessageMoveTask) run in a goroutine each, which
// Close stops; a task that was running when the process stopped is not
// resumed (the messages it had moved stay moved). QueueDeletedRecently
// tombstones live in memory only.
package sqs
