package benchcmd

import (
	"math"
	"slices"
	"time"
)

// A Report is the result of one bench run: the -o json document. Latencies
// are in milliseconds with microsecond resolution.
type Report struct {
	RunID       string `json:"runId"`
	Stack       string `json:"stack"`
	Bucket      string `json:"bucket"`
	Consumer    string `json:"consumer"` // the catalog consumer whose outputs were awaited
	Local       bool   `json:"local"`
	Objects     int    `json:"objects"`
	SizeBytes   int64  `json:"sizeBytes"`
	Concurrency int    `json:"concurrency"`
	// Prefix is where the run's uploads went, e.g. uploads/bench/<runId>/.
	Prefix string `json:"prefix"`

	Uploaded  int `json:"uploaded"`
	Processed int `json:"processed"`
	// Lost counts uploads without a catalog output by the timeout.
	Lost int `json:"lost"`
	// Duplicated counts objects the catalog function processed more than
	// once, from its log lines (see duplicates.go); LogRecords is how many
	// of its "ok" lines for the run were found.
	Duplicated int `json:"duplicated"`
	LogRecords int `json:"logRecords"`
	// Mismatched counts outputs whose size or SHA-256 differs from the
	// content the bench uploaded: the pipeline delivered other bytes than
	// were put (every upload is fresh random content, hashed before it is
	// sent). They count as processed too.
	Mismatched int `json:"mismatched"`

	// DurationMs runs from the first upload's start to the last output's
	// processedTime; Throughput is Processed over it, in objects per second.
	DurationMs float64 `json:"durationMs"`
	Throughput float64 `json:"throughput"`
	// Latency is end to end: each catalog entry's processedTime − eventTime.
	Latency Percentiles `json:"latencyMs"`
	// Upload is the PutObject call's duration, as the client saw it.
	Upload Percentiles `json:"uploadLatencyMs"`

	// LostKeys names up to maxNamedKeys of the lost uploads.
	LostKeys []string `json:"lostKeys,omitempty"`
	// MismatchedKeys names up to maxNamedKeys of the mismatched outputs' uploads.
	MismatchedKeys []string `json:"mismatchedKeys,omitempty"`
	// Kept is true when the run's objects were left in the bucket (--keep,
	// or results were lost or mismatched and are kept for inspection).
	Kept bool `json:"kept"`
}

// maxNamedKeys bounds Report.LostKeys and Report.MismatchedKeys.
const maxNamedKeys = 10

// Percentiles summarises a latency distribution in milliseconds. P90 is
// omitted from upload latencies, where only p50 and p99 are reported.
type Percentiles struct {
	P50 float64  `json:"p50"`
	P90 *float64 `json:"p90,omitempty"`
	P99 float64  `json:"p99"`
	Max float64  `json:"max"`
}

// percentiles computes the nearest-rank p50, p90, p99 and max of ds; it
// sorts ds in place. No samples give the zero Percentiles.
func percentiles(ds []time.Duration, withP90 bool) Percentiles {
	if len(ds) == 0 {
		return Percentiles{}
	}
	slices.Sort(ds)
	p := Percentiles{P50: ms(rank(ds, 50)), P99: ms(rank(ds, 99)), Max: ms(ds[len(ds)-1])}
	if withP90 {
		v := ms(rank(ds, 90))
		p.P90 = &v
	}
	return p
}

// rank is the nearest-rank percentile q of sorted ds: the smallest value
// with at least q% of the samples at or below it.
func rank(sorted []time.Duration, q int) time.Duration {
	i := int(math.Ceil(float64(q)/100*float64(len(sorted)))) - 1
	return sorted[max(i, 0)]
}

// ms converts d to milliseconds rounded to the microsecond.
func ms(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}
