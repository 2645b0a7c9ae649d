package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// writeFile writes content to name in a new temporary directory and returns
// its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// cliFlags returns the CLI's --stack and --region flags, parsed from args,
// so that only the flags in args are Changed.
func cliFlags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("edasctl", pflag.ContinueOnError)
	fs.String(FlagStack, "flag-default", "stack name")
	fs.String(FlagRegion, "", "AWS region")
	fs.String("profile", "", "unrelated flag")
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

// errorLines splits a joined error into its lines; nil gives none.
func errorLines(err error) []string {
	if err == nil {
		return nil
	}
	return strings.Split(err.Error(), "\n")
}

// assertLines fails unless err has exactly the lines want, in order.
func assertLines(t *testing.T, err error, want ...string) {
	t.Helper()
	got := errorLines(err)
	if !slices.Equal(got, want) {
		t.Errorf("error lines:\n got: %q\nwant: %q", got, want)
	}
}

// mustLoad loads and fails the test on error.
func mustLoad(t *testing.T, opts LoadOptions) *Config {
	t.Helper()
	cfg, err := Load(opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return cfg
}
