package render

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/edasctl/edasctl/internal/provision"
)

// Results writes one tab-aligned row per result: kind, name, outcome or
// state, and the reason or the differing fields.
func Results(w io.Writer, results []provision.Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range results {
		status := string(r.Outcome)
		if status == "" {
			status = string(r.State)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Kind, r.Name, status, reason(r))
	}
	return tw.Flush()
}

func reason(r provision.Result) string {
	if r.Reason != "" {
		return r.Reason
	}
	s := ""
	for i, d := range r.Diffs {
		if i > 0 {
			s += "; "
		}
		s += d.String()
	}
	return s
}

// Counts summarises results by outcome, e.g. "3 created, 21 unchanged".
func Counts(results []provision.Result) string {
	order := []provision.Outcome{provision.Created, provision.Updated, provision.Unchanged, provision.Deleted, provision.Absent, provision.Kept, provision.Failed, provision.Skipped}
	n := map[provision.Outcome]int{}
	for _, r := range results {
		n[r.Outcome]++
	}
	s := ""
	for _, o := range order {
		if n[o] == 0 {
			continue
		}
		if s != "" {
			s += ", "
		}
		s += fmt.Sprintf("%d %s", n[o], o)
	}
	return s
}
