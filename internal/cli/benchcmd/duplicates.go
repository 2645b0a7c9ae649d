package benchcmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/edasctl/edasctl/internal/handler"
)

// clockSkew widens the log search window before the run's start, for a
// client clock ahead of AWS's.
const clockSkew = time.Minute

// countDuplicates counts the objects the catalog function processed more
// than once. The catalog entry cannot tell (a second processing overwrites
// it with the same content), but the handler logs one [handler.LogRecord]
// per processing; so it reads the function's log group with FilterLogEvents
// and a JSON filter pattern selecting the "ok" records of the run's keys
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html),
// and counts the keys seen more than once.
//
// Log delivery lags the outputs (seconds on AWS), so it polls until it has
// seen a line for every processed object or the settle timeout passes; lines
// missing then can only hide duplicates, never invent them. lines is the
// number of matching lines found.
func (r *runner) countDuplicates(ctx context.Context, start time.Time) (dups, lines int, err error) {
	group := r.st.Config.LogGroupName(r.consumer.Name)
	pattern := fmt.Sprintf(`{ $.msg = %q && $.outcome = %q && $.key = %q }`, handler.LogMessage, handler.OutcomeOK, r.prefix+"*")
	deadline := time.Now().Add(r.settle)
	for {
		seen, err := r.scanLogs(ctx, group, pattern, start.Add(-clockSkew))
		if err != nil {
			return 0, 0, err
		}
		dups, lines = 0, 0
		for _, c := range seen {
			lines += c
			if c > 1 {
				dups++
			}
		}
		if len(seen) >= int(r.processed.Load()) || !time.Now().Before(deadline) {
			return dups, lines, nil
		}
		select {
		case <-ctx.Done():
			return 0, 0, ctx.Err()
		case <-time.After(r.interval):
		}
	}
}

// scanLogs returns how many matching "ok" lines each of the run's keys has
// in group since since. A group that does not exist yet has none.
func (r *runner) scanLogs(ctx context.Context, group, pattern string, since time.Time) (map[string]int, error) {
	seen := map[string]int{}
	pages := cloudwatchlogs.NewFilterLogEventsPaginator(r.logs, &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName:  aws.String(group),
		FilterPattern: aws.String(pattern),
		StartTime:     aws.Int64(since.UnixMilli()),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		var missing *logstypes.ResourceNotFoundException
		switch {
		case errors.As(err, &missing):
			return seen, nil
		case err != nil:
			return nil, fmt.Errorf("read log group %s: %w", group, err)
		}
		for _, ev := range page.Events {
			var rec handler.LogRecord
			if json.Unmarshal([]byte(aws.ToString(ev.Message)), &rec) != nil {
				continue
			}
			// The pattern already selects these; checking again keeps the
			// count right on an endpoint that filters loosely.
			if _, ours := r.byCatalog[handler.CatalogKey(r.st.Config.Bucket.InputPrefix, rec.Key)]; ours && rec.Outcome == handler.OutcomeOK && rec.Msg == handler.LogMessage {
				seen[rec.Key]++
			}
		}
	}
	return seen, nil
}
