package cli

import (
	"errors"
	"fmt"
	"testing"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/iostreams"
)

func TestPrintError(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantCode   int
		wantStderr string
	}{
		{
			name:       "a plain failure is one line and exit 1",
			err:        errors.New("create queue edas-thumbnail: access denied"),
			wantCode:   cmdutil.ExitFailure,
			wantStderr: "error: create queue edas-thumbnail: access denied\n",
		},
		{
			name:       "a hint follows the error on its own line",
			err:        cmdutil.WithHint(errors.New("stack edas is not deployed"), "run 'edasctl up' first"),
			wantCode:   cmdutil.ExitFailure,
			wantStderr: "error: stack edas is not deployed\nhint: run 'edasctl up' first\n",
		},
		{
			name:       "a wrapped hint is still found",
			err:        fmt.Errorf("upload: %w", cmdutil.WithHint(errors.New("no bucket"), "run 'edasctl up' first")),
			wantCode:   cmdutil.ExitFailure,
			wantStderr: "error: upload: no bucket\nhint: run 'edasctl up' first\n",
		},
		{
			name:       "joined configuration errors get a line each and exit 2",
			err:        &cmdutil.UsageError{Err: errors.Join(errors.New("stack: required"), errors.New("function.memoryMB: 64 is out of range 128–10240"))},
			wantCode:   cmdutil.ExitUsage,
			wantStderr: "error: stack: required\nerror: function.memoryMB: 64 is out of range 128–10240\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, stdout, stderr := iostreams.Test()
			if code := PrintError(ios, tt.err); code != tt.wantCode {
				t.Errorf("code = %d, want %d", code, tt.wantCode)
			}
			if stderr.String() != tt.wantStderr {
				t.Errorf("stderr = %q, want %q", stderr.String(), tt.wantStderr)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing: errors go to stderr", stdout)
			}
		})
	}
}
