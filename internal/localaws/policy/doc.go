// Package policy parses and evaluates AWS IAM policy documents: identity
// policies (a role's inline and managed policies), resource policies (SNS
// topic and SQS queue policies) and trust policies (a role's
// AssumeRolePolicyDocument).
//
// The grammar and the evaluation follow the IAM JSON policy reference
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
// an explicit Deny in any matching statement wins, else an Allow in any
// matching statement allows, else the request is implicitly denied.
// Statement, Action, Resource and Principal values may each be a single value
// or a list. Action matching is case-insensitive, resource matching
// case-sensitive; both understand the * and ? wildcards.
//
// Only the single-account view the local AWS needs is modelled: there are no
// permission boundaries, SCPs or session policies, and policy variables
// (${aws:username}) are not substituted.
package policy
