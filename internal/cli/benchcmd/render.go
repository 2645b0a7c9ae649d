package benchcmd

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// writeText writes rep as a small aligned table, e.g.
//
//	run          20261128T213700-3fa2c1: 1000 × 1KiB, concurrency 8, local AWS
//	throughput   1234.5 objects/s (1000 processed in 810.2ms)
//	end-to-end   p50 4.2ms  p90 8.1ms  p99 15ms  max 22ms
//	upload       p50 1.1ms  p99 4ms
//	lost         0
//	duplicated   0 (1000 log records)
//	mismatched   0
func writeText(w io.Writer, rep *Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	where := "AWS"
	if rep.Local {
		where = "local AWS"
	}
	fmt.Fprintf(tw, "run\t%s: %d × %s, concurrency %d, %s\n", rep.RunID, rep.Objects, FormatSize(rep.SizeBytes), rep.Concurrency, where)
	fmt.Fprintf(tw, "throughput\t%s objects/s (%d processed in %s)\n", num(rep.Throughput), rep.Processed, millis(rep.DurationMs))
	l := rep.Latency
	p90 := "-"
	if l.P90 != nil {
		p90 = millis(*l.P90)
	}
	fmt.Fprintf(tw, "end-to-end\tp50 %s  p90 %s  p99 %s  max %s\n", millis(l.P50), p90, millis(l.P99), millis(l.Max))
	fmt.Fprintf(tw, "upload\tp50 %s  p99 %s\n", millis(rep.Upload.P50), millis(rep.Upload.P99))
	fmt.Fprintf(tw, "lost\t%s\n", withKeys(rep.Lost, rep.LostKeys))
	fmt.Fprintf(tw, "duplicated\t%d (%d log records)\n", rep.Duplicated, rep.LogRecords)
	fmt.Fprintf(tw, "mismatched\t%s\n", withKeys(rep.Mismatched, rep.MismatchedKeys))
	if rep.Kept {
		fmt.Fprintf(tw, "kept\ts3://%s/%s\n", rep.Bucket, rep.Prefix)
	}
	return tw.Flush()
}

// withKeys renders a count with the keys named for it: "2 (a, b)", or
// "12 (a, …)" when there are more than named.
func withKeys(n int, keys []string) string {
	s := strconv.Itoa(n)
	if len(keys) > 0 {
		s += " (" + strings.Join(keys, ", ")
		if n > len(keys) {
			s += ", …"
		}
		s += ")"
	}
	return s
}

// millis formats a millisecond figure with up to three significant
// decimals: 0.412ms, 4.2ms, 15ms, 1234ms.
func millis(v float64) string {
	switch {
	case v < 1:
		return num3(v) + "ms"
	case v < 100:
		return strconv.FormatFloat(round(v, 1), 'f', -1, 64) + "ms"
	default:
		return strconv.FormatFloat(round(v, 0), 'f', -1, 64) + "ms"
	}
}

func num(v float64) string  { return strconv.FormatFloat(round(v, 1), 'f', 1, 64) }
func num3(v float64) string { return strconv.FormatFloat(round(v, 3), 'f', -1, 64) }

func round(v float64, places int) float64 {
	p := 1.0
	for range places {
		p *= 10
	}
	return float64(int64(v*p+0.5)) / p
}
