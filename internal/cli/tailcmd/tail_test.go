package tailcmd

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/testenv"
)

// TestTail_pipeline runs tail against the deployed pipeline. The subtests
// share one deployment and run in order: each adds uploads the next ones
// see.
func TestTail_pipeline(t *testing.T) {
	e := testenv.New(t)
	e.Deploy(t)
	upload(t, e, "uploads/cat.jpg", jpegBytes(t, 64, 48))
	upload(t, e, "uploads/notes.txt", []byte("hello"))
	want := []string{"catalog ok uploads/cat.jpg", "catalog ok uploads/notes.txt", "thumbnail ok uploads/cat.jpg"}
	hasAll := func(want []string) func(string) bool {
		return func(out string) bool {
			got := records(jsonLines(t, out))
			for _, w := range want {
				if !slices.Contains(got, w) {
					return false
				}
			}
			return true
		}
	}
	asJSON := func(o *Options) { o.JSON = true }
	onceUntil(t, e, asJSON, "every record", hasAll(want))

	t.Run("without follow it prints one rendered line per record, both consumers, in time order", func(t *testing.T) {
		out := once(t, e, nil)
		var stamps []string
		for _, w := range []*regexp.Regexp{
			regexp.MustCompile(`(?m)^(\d\d:\d\d:\d\d\.\d{3}) catalog   ok      uploads/cat\.jpg → catalog/cat\.jpg\.json \(\d+\.\d ms\)$`),
			regexp.MustCompile(`(?m)^(\d\d:\d\d:\d\d\.\d{3}) catalog   ok      uploads/notes\.txt → catalog/notes\.txt\.json \(\d+\.\d ms\)$`),
			regexp.MustCompile(`(?m)^(\d\d:\d\d:\d\d\.\d{3}) thumbnail ok      uploads/cat\.jpg → thumbnails/cat\.jpg \(\d+\.\d ms\)$`),
		} {
			if n := len(w.FindAllString(out, -1)); n != 1 {
				t.Errorf("%d lines match %s, want 1; output:\n%s", n, w, out)
			}
		}
		for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			stamps = append(stamps, l[:12])
			if strings.Contains(l, "START RequestId") || strings.Contains(l, "END RequestId") {
				t.Errorf("START/END line shown without --raw: %q", l)
			}
		}
		if !slices.IsSorted(stamps) {
			t.Errorf("lines not in time order:\n%s", out)
		}
		if !regexp.MustCompile(`(?m)^\S+ catalog   report  duration \d+\.\d ms, .*mem \d+/256 MB$`).MatchString(out) {
			t.Errorf("no compact REPORT line in:\n%s", out)
		}
	})

	t.Run("raw shows START, END and REPORT lines as written", func(t *testing.T) {
		out := once(t, e, func(o *Options) { o.Raw = true })
		for _, w := range []string{"START RequestId: ", "END RequestId: ", "REPORT RequestId: ", `"outcome":"ok"`} {
			if !strings.Contains(out, w) {
				t.Errorf("raw output lacks %q:\n%s", w, out)
			}
		}
	})

	t.Run("-o json lines parse and carry the event and the record's fields", func(t *testing.T) {
		lines := jsonLines(t, once(t, e, asJSON))
		var last string
		found := 0
		for _, l := range lines {
			for _, k := range []string{"timestamp", "consumer", "logGroup", "logStream", "eventId", "message", "kind"} {
				if s, _ := l[k].(string); s == "" {
					t.Errorf("line %v has no %s", l, k)
				}
			}
			if ts := l["timestamp"].(string); ts < last {
				t.Errorf("timestamp %s after %s: not in time order", ts, last)
			} else {
				last = ts
			}
			if l["kind"] == KindRecord && l["key"] == "uploads/cat.jpg" && l["consumer"] == "thumbnail" {
				found++
				if l["logGroup"] != "/aws/lambda/edas-thumbnail" || l["action"] != "thumbnail" || l["outcome"] != "ok" ||
					l["output"] != "thumbnails/cat.jpg" || l["durationMs"] == nil {
					t.Errorf("thumbnail record lacks fields: %v", l)
				}
			}
		}
		if found != 1 {
			t.Errorf("%d thumbnail records of uploads/cat.jpg, want 1", found)
		}
	})

	t.Run("--consumer shows that consumer only", func(t *testing.T) {
		for _, l := range jsonLines(t, once(t, e, func(o *Options) { o.JSON, o.Consumers = true, []string{"thumbnail"} })) {
			if l["consumer"] != "thumbnail" {
				t.Errorf("line of %v with --consumer thumbnail", l["consumer"])
			}
		}
	})

	t.Run("an unknown --consumer is a usage error listing the consumers", func(t *testing.T) {
		var out, errOut syncBuffer
		opts := options(e, &out, &errOut)
		opts.Consumers = []string{"thumbnial"}
		err := run(t.Context(), opts)
		var flagErr *cmdutil.FlagError
		if !errors.As(err, &flagErr) || err.Error() != `unknown consumer "thumbnial" for --consumer: the stack's consumers are thumbnail, catalog` {
			t.Errorf("err = %v, want a FlagError listing the consumers", err)
		}
	})

	t.Run("an invalid --filter is a usage error", func(t *testing.T) {
		var out, errOut syncBuffer
		opts := options(e, &out, &errOut)
		opts.Filter = `{ $.outcome = `
		err := run(t.Context(), opts)
		var usage *cmdutil.UsageError
		if !errors.As(err, &usage) || !strings.HasPrefix(err.Error(), `invalid --filter "{ $.outcome = ": `) {
			t.Errorf("err = %v, want a UsageError about the filter", err)
		}
	})

	t.Run("--filter shows only the failures", func(t *testing.T) {
		upload(t, e, "uploads/broken.jpg", []byte("\xff\xd8\xff\xe0 this is not a JPEG"))
		failed := func(o *Options) { o.JSON, o.Filter = true, `{ $.outcome = "error" }` }
		onceUntil(t, e, asJSON, "the broken upload's catalog record", hasAll([]string{"catalog ok uploads/broken.jpg"}))
		lines := jsonLines(t, onceUntil(t, e, failed, "the failure", hasAll([]string{"thumbnail error uploads/broken.jpg"})))
		for _, l := range lines {
			if l["kind"] != KindRecord || l["outcome"] != "error" || l["key"] != "uploads/broken.jpg" || l["consumer"] != "thumbnail" {
				t.Errorf("filtered output has %v", l)
			}
			if s, _ := l["error"].(string); s == "" {
				t.Errorf("failure without error text: %v", l)
			}
		}
		text := once(t, e, func(o *Options) { o.Filter = `{ $.outcome = "error" }` })
		if !regexp.MustCompile(`(?m)^\S+ thumbnail error   uploads/broken\.jpg: .+ \(\d+\.\d ms\)$`).MatchString(text) {
			t.Errorf("text of the failure:\n%s", text)
		}
	})

	t.Run("follow prints what is there, then a new upload, each line once, and ends cleanly when cancelled", func(t *testing.T) {
		f := startFollow(t, e, asJSON)
		f.waitOutput(t, "the earlier records", hasAll(want))
		upload(t, e, "uploads/dog.jpg", jpegBytes(t, 32, 32))
		out := f.waitOutput(t, "the new upload's records", hasAll([]string{"catalog ok uploads/dog.jpg", "thumbnail ok uploads/dog.jpg"}))
		if err := f.stop(t); err != nil {
			t.Errorf("tail -f ended with %v after cancel, want nil", err)
		}
		ids := map[string]bool{}
		for _, l := range jsonLines(t, out) {
			id := l["consumer"].(string) + "/" + l["eventId"].(string)
			if ids[id] {
				t.Errorf("event %s printed twice", id)
			}
			ids[id] = true
		}
	})
}

// TestTail_beforeTheFirstInvocation: no function, no log group.
func TestTail_beforeTheFirstInvocation(t *testing.T) {
	e := testenv.New(t)

	t.Run("without follow it prints nothing and succeeds", func(t *testing.T) {
		var out, errOut syncBuffer
		if err := run(t.Context(), options(e, &out, &errOut)); err != nil {
			t.Fatal(err)
		}
		if out.String() != "" {
			t.Errorf("stdout = %q, want nothing", out.String())
		}
	})

	t.Run("follow waits with one note per log group, then shows the first lines", func(t *testing.T) {
		logs := &countingLogs{logsAPI: cloudwatchlogs.NewFromConfig(e.AWS)}
		f := startFollow(t, e, func(o *Options) { o.Logs = logs })
		waitUntil(t, "several polls", func() bool { return logs.calls.Load() >= 10 })
		putEvents(t, e, "/aws/lambda/edas-catalog", "s1", time.Now(), []string{"first line"})
		f.waitOutput(t, "the first line", func(out string) bool { return strings.Contains(out, " catalog   first line\n") })
		if err := f.stop(t); err != nil {
			t.Errorf("tail -f ended with %v after cancel, want nil", err)
		}
		stderr := f.errOut.String()
		for _, w := range []string{
			"note: function edas-catalog does not exist: run 'edasctl up' first\n",
			"note: log group /aws/lambda/edas-thumbnail does not exist yet: waiting for edas-thumbnail's first invocation\n",
			"note: log group /aws/lambda/edas-catalog does not exist yet: waiting for edas-catalog's first invocation\n",
		} {
			if n := strings.Count(stderr, w); n != 1 {
				t.Errorf("stderr has %q %d times, want once; stderr:\n%s", w, n, stderr)
			}
		}
	})
}
