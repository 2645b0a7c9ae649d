package democmd

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/edasctl/edasctl/internal/build"
	"github.com/edasctl/edasctl/internal/iostreams"
	"github.com/edasctl/edasctl/internal/testenv"
)

// TestDemoRunsTheWholeLoopAndCleansUp runs the demo as a user would and
// checks that every sample produced its outputs, the status was healthy,
// and nothing was left behind.
func TestDemoRunsTheWholeLoopAndCleansUp(t *testing.T) {
	testenv.Isolate(t)
	before := demoDirs(t)
	ios, _, stdout, stderr := iostreams.Test()
	opts := &Options{IO: ios, Timeout: 60 * time.Second, Build: func(ctx context.Context, o build.Options) (*build.Artifact, error) {
		o.SourceDir = testenv.ModuleRoot()
		return build.Package(ctx, o)
	}}
	if err := run(context.Background(), opts); err != nil {
		t.Fatalf("demo: %v\nstderr:\n%s", err, stderr)
	}
	for _, want := range []string{
		"thumbnails/sunset.jpg", "thumbnails/diagram.png", "thumbnails/animation.gif",
		"catalog/sunset.jpg.json", "catalog/diagram.png.json", "catalog/animation.gif.json", "catalog/notes.txt.json",
	} {
		if !strings.Contains(stdout.String(), want+" ") {
			t.Errorf("outputs listed on stdout lack %s:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout.String(), "thumbnails/notes.txt") {
		t.Error("the text file got a thumbnail: the thumbnail filter policy did not apply")
	}
	for _, want := range []string{"uploads/notes.txt → catalog/notes.txt.json", "uploads/sunset.jpg → thumbnails/sunset.jpg", "the local AWS and its data are gone"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if after := demoDirs(t); len(after) > len(before) {
		t.Fatalf("demo left its data directory behind: %v", after)
	}
}

func demoDirs(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(os.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "edasctl-demo-") {
			dirs = append(dirs, e.Name())
		}
	}
	return dirs
}
