// Package esm is the local AWS's Lambda event source mappings for SQS: the
// REST-JSON API (Create/Get/Update/Delete/ListEventSourceMappings) and the
// pollers that receive from each mapping's queue and invoke its function, as
// Lambda does (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html).
//
// Rules enforced as AWS enforces them (AWS-RULES.md):
//   - the queue's visibility timeout must be at least the function's timeout
//     (L4), checked on create and update;
//   - the function's execution role must allow sqs:ReceiveMessage,
//     sqs:DeleteMessage and sqs:GetQueueAttributes on the queue (I3, I4);
//   - one mapping per (queue, function): a second create is a
//     ResourceConflictException naming the existing UUID (L10);
//   - BatchSize 1–10, or up to 10,000 with a batching window (L5);
//     MaximumBatchingWindowInSeconds 0–300; ScalingConfig.MaximumConcurrency
//     2–1000 (L11);
//   - with FunctionResponseTypes ReportBatchItemFailures, only the messages
//     the function lists in batchItemFailures stay on the queue; a malformed
//     response fails the whole batch (L6). A function error leaves every
//     message of the batch to reappear after the visibility timeout, so
//     the queue's redrive policy moves poison messages to the DLQ (L7).
//
// Concurrency scales as Lambda's does (L11, scaling.go): five concurrent
// batches at first, one more every fifth of a second while messages remain,
// up to ScalingConfig.MaximumConcurrency, and back to five when the queue
// runs dry.
//
// States follow L9: Creating → Enabled (after Options.CreatingDelay),
// Enabled ⇄ Disabled through Update, Deleting → gone.
//
// Mappings are durable (the store); the pollers are goroutines that live
// until Close.
package esm
