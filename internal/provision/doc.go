// Package provision creates, converges, inspects and removes one edasctl
// pipeline (DESIGN.md) by direct aws-sdk-go-v2 calls.
//
// # The plan
//
// NewPlan turns a *config.Config, a Target (account, region) and the handler
// zip into an explicit, ordered list of Steps: the bucket, the topic and its
// policy, the bucket notification and, per consumer, the DLQ, the queue, its
// policy, the subscription, the role, the log group, the function and the
// event source mapping. Each Step names the steps it depends on; the order
// and the dependencies follow AWS-RULES.md §2.6 and are tested.
//
// Every step can Observe (read and compare with the desired state), Ensure
// (create, or change only what differs; an unchanged resource gets no
// mutating call) and Delete (only when the resource carries this stack's
// edas:stack tag; a same-named resource without it is reported "kept" and left
// alone).
//
// # No state file
//
// Names are deterministic (config's naming methods) and so are ARNs, which
// are computed from the Target; the truth is whatever AWS holds. A run that
// was interrupted at any point is finished by the next Up, which adopts a
// resource of the right name that carries no edas:stack tag yet (an
// interrupted Up may leave one) and refuses one tagged for another stack.
//
// # Running
//
// Plan.Up runs independent steps in parallel and stops at the first failure;
// Plan.Down runs in reverse dependency order, continues past failures and
// returns them joined; Plan.Status observes everything and reads each
// consumer's queue depths, mapping and function state; Plan.DryRun reports
// what Up would do. Progress is reported through the Progress interface.
//
// The AWS behaviours each step relies on are cited in the doc comments, by
// their number in AWS-RULES.md (S2, N3, I1, L10, …) and by source.
package provision
