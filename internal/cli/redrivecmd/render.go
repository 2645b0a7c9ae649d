package redrivecmd

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// writeText writes one aligned row per consumer: its DLQ, queue, status
// (with the failure reason) and moved/to-move counts.
func writeText(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CONSUMER\tDLQ\tQUEUE\tSTATUS\t~MOVED")
	for _, r := range results {
		status := r.Status
		if r.FailureReason != "" {
			status += ": " + r.FailureReason
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d/%d\n", r.Consumer, r.DLQ, r.Queue, status, r.Moved, r.ToMove)
	}
	return tw.Flush()
}
