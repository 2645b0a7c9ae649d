package provision

import (
	"fmt"
	"strings"
)

// An Outcome is what Up or Down did to one resource (or, in DryRun, what Up
// would do).
type Outcome string

// Outcomes. Created, Updated and Unchanged come from Up; Deleted, Absent and
// Kept from Down. Failed marks the step whose error ended Up (or one of the
// errors Down joined); Skipped marks a step that did not run because the run
// was cancelled or a step it depends on failed.
const (
	Created   Outcome = "created"
	Updated   Outcome = "updated"
	Unchanged Outcome = "unchanged"
	Deleted   Outcome = "deleted"
	Absent    Outcome = "absent"
	Kept      Outcome = "kept"
	Failed    Outcome = "failed"
	Skipped   Outcome = "skipped"
)

// A State is how a resource compares with the plan.
type State string

// States reported by Observe and Status.
const (
	OK      State = "ok"
	Missing State = "missing"
	Drifted State = "drifted"
)

// A Diff is one field that differs from the plan. Have and Want are short,
// human-readable renderings ("7", "180"); Note, when set, replaces them in
// the summary where the values say little (policies, code hashes).
type Diff struct {
	Field string `json:"field"`
	Have  string `json:"have,omitempty"`
	Want  string `json:"want,omitempty"`
	Note  string `json:"note,omitempty"`
}

// String renders d as its Note, as "<Field> is <Have>, want <Want>", or as
// "<Field> differs" when there are no values.
func (d Diff) String() string {
	if d.Note != "" {
		return d.Note
	}
	if d.Have == "" && d.Want == "" {
		return d.Field + " differs"
	}
	have := d.Have
	if have == "" {
		have = "unset"
	}
	return fmt.Sprintf("%s is %s, want %s", d.Field, have, d.Want)
}

// A Result is one step's line in a report, in plan order. Outcome is set by
// Up, Down and DryRun; State by Status and DryRun. Reason explains a state
// other than ok, a kept resource or a failure.
type Result struct {
	Step    string  `json:"step"`
	Kind    string  `json:"kind"`
	Name    string  `json:"name"`
	ARN     string  `json:"arn,omitempty"`
	Outcome Outcome `json:"outcome,omitempty"`
	State   State   `json:"state,omitempty"`
	Reason  string  `json:"reason,omitempty"`
	Diffs   []Diff  `json:"diffs,omitempty"`
}

// An Observation is what Observe found: the State, the ARN when the
// resource exists, and the fields that differ. Reason summarises a missing
// or drifted resource.
type Observation struct {
	State  State
	ARN    string
	Reason string
	Diffs  []Diff
}

// missing returns the observation of an absent resource.
func missing(reason string) Observation { return Observation{State: Missing, Reason: reason} }

// observed returns the observation of an existing resource whose differing
// fields are diffs: ok when there are none, drifted otherwise.
func observed(arn string, diffs []Diff) Observation {
	if len(diffs) == 0 {
		return Observation{State: OK, ARN: arn}
	}
	reasons := make([]string, len(diffs))
	for i, d := range diffs {
		reasons[i] = d.String()
	}
	return Observation{State: Drifted, ARN: arn, Reason: strings.Join(reasons, "; "), Diffs: diffs}
}

// outcomeOf is the Outcome an Ensure over o has: created for missing,
// updated for drifted, unchanged for ok.
func outcomeOf(o Observation) Outcome {
	switch o.State {
	case Missing:
		return Created
	case Drifted:
		return Updated
	default:
		return Unchanged
	}
}
