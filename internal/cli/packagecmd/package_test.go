package packagecmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edasctl/edasctl/internal/build"
	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/iostreams"
)

func fakeBuild(zip []byte, err error, got *build.Options) func(context.Context, build.Options) (*build.Artifact, error) {
	return func(_ context.Context, o build.Options) (*build.Artifact, error) {
		*got = o
		if err != nil {
			return nil, err
		}
		goos, goarch, terr := build.Target(o.Arch)
		if terr != nil {
			return nil, terr
		}
		return &build.Artifact{Zip: zip, GOOS: goos, GOARCH: goarch, CodeSha256: "c2hh"}, nil
	}
}

func TestNewCmdParsesArchAndFile(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantArch string
		wantFile string
		wantErr  string
	}{
		{"defaults to arm64 and a derived file name", nil, "arm64", "", ""},
		{"takes the output file as an argument", []string{"--arch", "x86_64", "out.zip"}, "x86_64", "out.zip", ""},
		{"accepts host", []string{"--arch", "host"}, "host", "", ""},
		{"rejects an unknown arch as a flag error", []string{"--arch", "sparc"}, "", "", `invalid value "sparc" for --arch: use arm64, x86_64 or host`},
		{"rejects two files", []string{"a.zip", "b.zip"}, "", "", "accepts at most 1 arg(s), received 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *Options
			cmd := NewCmd(Deps{IO: ios, JSON: func() bool { return false }}, func(_ context.Context, o *Options) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(ios.ErrOut)
			cmd.SetErr(ios.ErrOut)
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Arch != tt.wantArch || got.OutFile != tt.wantFile {
				t.Fatalf("arch=%q file=%q, want %q %q", got.Arch, got.OutFile, tt.wantArch, tt.wantFile)
			}
		})
	}
}

func TestRunWritesZipAndReportsIt(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "handler.zip")
	ios, _, stdout, _ := iostreams.Test()
	var gotOpts build.Options
	opts := &Options{IO: ios, Arch: "x86_64", OutFile: out, JSON: true, Build: fakeBuild([]byte("PK-zip"), nil, &gotOpts)}
	if err := run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil || string(data) != "PK-zip" {
		t.Fatalf("zip file = %q, %v", data, err)
	}
	var res result
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	want := result{Path: out, Size: 6, CodeSha256: "c2hh", OS: "linux", Arch: "x86_64"}
	if res != want {
		t.Fatalf("result = %+v, want %+v", res, want)
	}
	if gotOpts.Arch != "x86_64" || gotOpts.Log != ios.ErrOut {
		t.Fatalf("build options = %+v, want arch x86_64 and progress on stderr", gotOpts)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("directory holds %d entries, want only the zip (no temp files left)", len(entries))
	}
}

func TestRunDefaultsFileNameToTarget(t *testing.T) {
	t.Chdir(t.TempDir())
	ios, _, stdout, _ := iostreams.Test()
	var gotOpts build.Options
	if err := run(context.Background(), &Options{IO: ios, Arch: "arm64", Build: fakeBuild([]byte("z"), nil, &gotOpts)}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("handler-linux-arm64.zip"); err != nil {
		t.Fatal(err)
	}
	if want := "handler-linux-arm64.zip\t1 bytes\tlinux/arm64\tCodeSha256 c2hh\n"; stdout.String() != want {
		t.Fatalf("stdout = %q, want %q", stdout, want)
	}
}

func TestRunHintsHandlerZipWhenNothingCanBeBuilt(t *testing.T) {
	for _, cause := range []error{build.ErrNoToolchain, &build.SourceError{Tried: "not in a clone"}} {
		ios, _, _, _ := iostreams.Test()
		var gotOpts build.Options
		err := run(context.Background(), &Options{IO: ios, Arch: "arm64", OutFile: filepath.Join(t.TempDir(), "x.zip"), Build: fakeBuild(nil, fmt.Errorf("package: %w", cause), &gotOpts)})
		var hint *cmdutil.HintError
		if !errors.As(err, &hint) || !strings.Contains(hint.Hint, "--handler-zip") {
			t.Fatalf("error %v carries no --handler-zip hint", err)
		}
	}
}
