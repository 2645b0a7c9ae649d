package uploadcmd

import (
	"fmt"
	"time"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
)

// summary counts a run's outcomes.
type summary struct {
	files, uploaded, results int
	bytes                    int64
	elapsed                  time.Duration
	uploadErr                error // the first upload failure
	waitErrs                 int   // files --wait found no complete result for
}

// String is the closing line: "uploaded 3 files (12.4 MiB) in 1.2s, 3 with results".
func (s summary) String() string {
	noun := "files"
	if s.uploaded == 1 {
		noun = "file"
	}
	line := fmt.Sprintf("uploaded %d %s (%s) in %s", s.uploaded, noun, humanBytes(s.bytes), s.elapsed.Round(time.Millisecond))
	if s.uploaded < s.files {
		line += fmt.Sprintf(", %d not uploaded", s.files-s.uploaded)
	}
	if s.results > 0 || s.waitErrs > 0 {
		line += fmt.Sprintf(", %d with results", s.results)
	}
	return line
}

// err is the command's error for s: the first upload failure (a missing
// bucket as "not deployed"), else the count of files without a result.
func (s summary) err(w *waiter) error {
	switch {
	case s.uploadErr != nil && isNoBucket(s.uploadErr):
		return cmdutil.WithHint(fmt.Errorf("upload: %w", s.uploadErr), "run 'edasctl up' first")
	case s.uploadErr != nil:
		return s.uploadErr
	case s.waitErrs > 0:
		return cmdutil.WithHint(fmt.Errorf("%d of %d uploads have no complete result within %s", s.waitErrs, s.uploaded, w.timeout),
			"see what the consumers did with 'edasctl tail --since 10m'")
	}
	return nil
}
