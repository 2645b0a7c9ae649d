package configcmd

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/edasctl/edasctl/internal/config"
	"github.com/edasctl/edasctl/internal/iostreams"
)

// The printed configuration must be a valid configuration file that loads
// back to the same Config, so users can save it as a starting point.
func TestPrintedConfigLoadsBackUnchanged(t *testing.T) {
	for _, asJSON := range []bool{false, true} {
		ios, _, stdout, _ := iostreams.Test()
		want := config.Default()
		want.Stack = "shop"
		want.Consumers[1].Function.TimeoutSeconds = 120
		opts := &Options{IO: ios, JSON: asJSON, Config: func() (*config.Config, error) { return want, nil }}
		if err := run(opts); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "edasctl.yaml") // JSON is YAML too
		if err := os.WriteFile(path, stdout.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := config.Load(config.LoadOptions{File: path, Environ: []string{}})
		if err != nil {
			t.Fatalf("json=%v: printed configuration does not load: %v\n%s", asJSON, err, stdout)
		}
		if got.Stack != "shop" || got.Consumers[1].Function.TimeoutSeconds != 120 || got.Consumers[0].Function.TimeoutSeconds != 30 {
			t.Fatalf("json=%v: loaded back %+v", asJSON, got)
		}
	}
}
