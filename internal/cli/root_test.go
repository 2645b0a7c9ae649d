package cli

import (
	"strings"
	"testing"

	"github.com/edasctl/edasctl/internal/awsenv"
	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/iostreams"
	"github.com/edasctl/edasctl/internal/localaws/daemon"
)

// runMain runs the CLI as a user would and returns its exit code and output.
func runMain(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	code = Main(args, ios)
	return code, out.String(), errOut.String()
}

func TestHelpListsEveryVerbWithDescription(t *testing.T) {
	code, stdout, _ := runMain(t, "--help")
	if code != cmdutil.ExitOK {
		t.Fatalf("--help exit code = %d, want 0", code)
	}
	for _, verb := range []string{"up", "down", "status", "upload", "tail", "local", "demo", "bench", "redrive", "package", "config", "completion"} {
		found := false
		for _, line := range strings.Split(stdout, "\n") {
			fields := strings.Fields(line)
			if len(fields) >= 2 && fields[0] == verb {
				found = true
			}
		}
		if !found {
			t.Errorf("--help does not list %q with a description:\n%s", verb, stdout)
		}
	}
	for _, flag := range []string{"--config", "--stack", "--region", "--profile", "--endpoint-url", "--local", "-o, --output", "-v, --verbose"} {
		if !strings.Contains(stdout, flag) {
			t.Errorf("--help does not show global flag %q", flag)
		}
	}
}

func TestEveryVerbHasAnExample(t *testing.T) {
	root := NewRootCmd(NewFactory(testStreams()))
	for _, c := range root.Commands() {
		if c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s has no example", c.Name())
		}
	}
}

func TestUsageErrorsExitTwoWithPointerToHelp(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"rejects an unknown output format", []string{"status", "-o", "yaml"}, `error: invalid value "yaml" for -o/--output: use text or json`},
		{"rejects an unknown flag", []string{"status", "--nope"}, "error: unknown flag: --nope"},
		{"rejects --local together with --endpoint-url", []string{"status", "--local", "--endpoint-url", "http://127.0.0.1:1"}, "error: --local and --endpoint-url cannot be used together: --local means --endpoint-url http://127.0.0.1:4566"},
		{"rejects an unknown architecture for package", []string{"package", "--arch", "mips"}, `error: invalid value "mips" for --arch: use arm64, x86_64 or host`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runMain(t, tt.args...)
			if code != cmdutil.ExitUsage {
				t.Fatalf("exit code = %d, want %d (stderr %q)", code, cmdutil.ExitUsage, stderr)
			}
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if lines[0] != tt.want {
				t.Fatalf("first stderr line = %q, want %q", lines[0], tt.want)
			}
			if len(lines) != 2 || lines[1] != "Run 'edasctl --help' for usage." {
				t.Fatalf("stderr = %q, want the error and a pointer to --help", stderr)
			}
		})
	}
}

func TestVersionFlagPrintsVersion(t *testing.T) {
	code, stdout, _ := runMain(t, "--version")
	if code != cmdutil.ExitOK || !strings.HasPrefix(stdout, "edasctl version ") {
		t.Fatalf("--version: code %d, stdout %q", code, stdout)
	}
}

func TestCompletionScriptIsGenerated(t *testing.T) {
	code, stdout, _ := runMain(t, "completion", "bash")
	if code != cmdutil.ExitOK || !strings.Contains(stdout, "__start_edasctl") {
		t.Fatalf("completion bash: code %d, %d bytes of output", code, len(stdout))
	}
}

func testStreams() *iostreams.Streams {
	ios, _, _, _ := iostreams.Test()
	return ios
}

// --local must point the SDK where `edasctl local` listens by default.
func TestLocalEndpointIsTheDefaultListenAddress(t *testing.T) {
	if awsenv.LocalEndpoint != "http://"+daemon.DefaultAddr {
		t.Fatalf("awsenv.LocalEndpoint %s, daemon.DefaultAddr %s", awsenv.LocalEndpoint, daemon.DefaultAddr)
	}
}
