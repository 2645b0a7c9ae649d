// Package sqs serves the local AWS's Amazon SQS over both of its wire
// protocols: JSON 1.0 (X-Amz-Target: AmazonSQS.<Op>, current SDKs and the
// AWS CLI v1) and the query protocol (form POSTs with Action=<Op>, older
// SDKs and Debian's AWS CLI 2.9), answering each in its own shape. SQS is
// awsQueryCompatible: JSON errors carry the modelled code in __type and the
// legacy query code in the x-amzn-query-error header
// (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#aws-protocols-awsquerycompatible-trait).
//
// Standard queues only: a name ending in ".fifo" (or FifoQueue=true) is
// refused with InvalidParameterValue, because FIFO queues are not served
// yet. Also not served: AddPermission/RemovePermission (set Policy instead),
// message system attributes on send (AWSTraceHeader), and the 12-hour cap
// on a message's total visibility timeout. KMS attributes are stored and
// reported; nothing is encrypted.
//
// State. Each queue holds its messages in memory, ordered for receive: a
// ready list of visible messages (in the order they became visible), a heap
// of delayed and in-flight messages keyed by the time they become visible,
// and a heap keyed by send time for retention expiry. Visibility, delays and
// retention are computed lazily from the service's clock when a request
// touches the queue; no goroutine ticks.
//
// Durability. Every acknowledged change (queue create/delete/attributes/tags,
// send, receive, delete, visibility change, purge, move to a dead-letter
// queue) is in the store before the response is sent, so it survives kill -9;
// New loads it back. Queues are one record each; message changes go to a
// journal, one record per group commit (see commit.go and persist.go),
// because the store's cost is per transaction and per record. The journal is
// compacted into a snapshot when it has grown well past the live messages.
//
// Concurrency. A service-wide lock guards only the name→queue map; each
// queue has its own lock, never held while waiting for the disk: a send
// commits first and then makes its messages visible; a receive, delete or
// visibility change applies to memory first and commits before answering.
// Long polls wait on a per-queue broadcast channel and on the clock, outside
// any lock.
//
// Message move tasks (StartMessageMoveTask) run in a goroutine each, which
// Close stops; a task that was running when the process stopped is not
// resumed (the messages it had moved stay moved). QueueDeletedRecently
// tombstones live in memory only.
package sqs
