// Package awsproto holds what the local AWS's services share about AWS's wire
// protocols: the error value every handler returns, the SigV4 credential
// scope that routes a request to its service, request IDs, bounded body
// reading, and the writers for the response and error shapes of the query
// (SNS, IAM, STS, SQS-query), JSON 1.0/1.1 (SQS, CloudWatch Logs), REST-XML
// (S3) and REST-JSON (Lambda) protocols.
//
// Shapes follow the Smithy protocol specifications the SDKs are generated
// from (https://smithy.io/2.0/aws/protocols/index.html); each writer's doc
// names the shape it produces.
package awsproto
