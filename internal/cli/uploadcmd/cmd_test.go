package uploadcmd

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/iostreams"
)

func TestNewCmdFillsOptionsFromFlags(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var got *Options
	cmd := NewCmd(Deps{IO: ios, JSON: func() bool { return true }}, func(_ context.Context, o *Options) error {
		got = o
		return nil
	})
	cmd.SetArgs([]string{"a.jpg", "dir", "-r", "--prefix", "p", "--concurrency", "3", "--part-size", "16MiB", "--wait", "--timeout", "5s"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if len(got.Args) != 2 || !got.Recursive || got.Prefix != "p" || got.Concurrency != 3 || got.PartSize != 16<<20 ||
		!got.Wait || got.Timeout != 5*time.Second || !got.JSON {
		t.Fatalf("options %+v", got)
	}
}

func TestNewCmdRefusesFlagMistakes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"--timeout without --wait", []string{"a.jpg", "--timeout", "5s"}, "--timeout applies to --wait"},
		{"a part size below S3's minimum", []string{"a.jpg", "--part-size", "1MiB"}, "invalid --part-size 1.0 MiB: S3 parts are 5MiB–5GiB"},
		{"no concurrency", []string{"a.jpg", "--concurrency", "0"}, "invalid --concurrency 0: want 1 or more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			cmd := NewCmd(Deps{IO: ios, JSON: func() bool { return false }}, func(_ context.Context, o *Options) error {
				return o.validate()
			})
			cmd.SetArgs(tt.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			var flagErr *cmdutil.FlagError
			if !errors.As(err, &flagErr) || err.Error() != tt.want {
				t.Fatalf("err = %v (%T), want FlagError %q", err, err, tt.want)
			}
		})
	}
}

func TestByteSizeParsesBinaryUnits(t *testing.T) {
	tests := map[string]int64{"5MiB": 5 << 20, "512KiB": 512 << 10, "1GiB": 1 << 30, "1048576": 1 << 20, "7B": 7}
	for in, want := range tests {
		var b byteSize
		if err := b.Set(in); err != nil || int64(b) != want {
			t.Errorf("Set(%q) = %d, %v; want %d", in, b, err, want)
		}
	}
	var b byteSize
	for _, bad := range []string{"", "MiB", "-1MiB", "5MB", "x"} {
		if err := b.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted %d", bad, b)
		}
	}
	b = 8 << 20
	if b.String() != "8MiB" {
		t.Errorf("String() = %q, want 8MiB", b.String())
	}
}

func TestContentTypeComesFromTheExtensionElseTheContent(t *testing.T) {
	tests := []struct {
		name, file string
		head       []byte
		want       string
	}{
		{"a known extension wins over the content", "a.json", []byte("plain"), "application/json"},
		{"no extension is sniffed", "README", []byte("hello"), "text/plain; charset=utf-8"},
		{"an unknown extension is sniffed", "x.edas-unknown", []byte("\x89PNG\r\n\x1a\n"), "image/png"},
		{"empty content without extension", "empty", nil, "text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := contentType(tt.file, tt.head); got != tt.want {
				t.Fatalf("contentType(%q) = %q, want %q", tt.file, got, tt.want)
			}
		})
	}
}
