package sqs

import (
	"context"
	"net/url"
)

// An operation is one SQS action, independent of the wire protocol: its
// input type, how the query protocol fills that input, the action itself,
// and the query protocol's result shape.
type operation struct {
	newInput func() any
	query    func(params url.Values, in any) error
	run      func(s *Service, ctx context.Context, c *call, in any) (any, error)
	xml      func(out any) any // nil: the query response has no Result element
}

// op builds an operation from typed parts.
func op[I, O any](run func(*Service, context.Context, *call, *I) (*O, error), query func(url.Values, *I) error, xml func(*O) any) operation {
	o := operation{
		newInput: func() any { return new(I) },
		query:    func(p url.Values, in any) error { return query(p, in.(*I)) },
		run: func(s *Service, ctx context.Context, c *call, in any) (any, error) {
			out, err := run(s, ctx, c, in.(*I))
			if err != nil {
				return nil, err
			}
			return out, nil
		},
	}
	if xml != nil {
		o.xml = func(out any) any { return xml(out.(*O)) }
	}
	return o
}

// operations are the actions this service serves, by name.
var operations = map[string]operation{
	"CreateQueue":                  op((*Service).createQueue, queryCreateQueue, sameXML[queueURLOutput]),
	"DeleteQueue":                  op((*Service).deleteQueue, queryQueueURL, nil),
	"GetQueueUrl":                  op((*Service).getQueueURL, queryGetQueueURL, sameXML[queueURLOutput]),
	"ListQueues":                   op((*Service).listQueues, queryListQueues, xmlListQueues),
	"GetQueueAttributes":           op((*Service).getQueueAttributes, queryGetQueueAttributes, xmlAttributes),
	"SetQueueAttributes":           op((*Service).setQueueAttributes, querySetQueueAttributes, nil),
	"PurgeQueue":                   op((*Service).purgeQueue, queryQueueURL, nil),
	"ListDeadLetterSourceQueues":   op((*Service).listDeadLetterSourceQueues, queryListDLQSources, xmlListDLQSources),
	"TagQueue":                     op((*Service).tagQueue, queryTagQueue, nil),
	"UntagQueue":                   op((*Service).untagQueue, queryUntagQueue, nil),
	"ListQueueTags":                op((*Service).listQueueTags, queryQueueURL, xmlTags),
	"SendMessage":                  op((*Service).sendMessage, querySendMessage, sameXML[sendMessageOutput]),
	"SendMessageBatch":             op((*Service).sendMessageBatch, querySendMessageBatch, xmlSendBatch),
	"ReceiveMessage":               op((*Service).receiveMessage, queryReceiveMessage, xmlReceive),
	"DeleteMessage":                op((*Service).deleteMessage, queryDeleteMessage, nil),
	"DeleteMessageBatch":           op((*Service).deleteMessageBatch, queryDeleteMessageBatch, xmlBatch("DeleteMessageBatchResultEntry")),
	"ChangeMessageVisibility":      op((*Service).changeMessageVisibility, queryChangeVisibility, nil),
	"ChangeMessageVisibilityBatch": op((*Service).changeMessageVisibilityBatch, queryChangeVisibilityBatch, xmlBatch("ChangeMessageVisibilityBatchResultEntry")),
	"StartMessageMoveTask":         op((*Service).startMessageMoveTask, queryStartMoveTask, sameXML[startMoveTaskOutput]),
	"ListMessageMoveTasks":         op((*Service).listMessageMoveTasks, queryListMoveTasks, xmlListMoveTasks),
	"CancelMessageMoveTask":        op((*Service).cancelMessageMoveTask, queryCancelMoveTask, sameXML[cancelMoveTaskOutput]),
}

// sameXML is the query result shape of outputs whose fields are all scalars:
// the output itself, marshalled by its xml tags.
func sameXML[O any](out *O) any { return out }
