package build

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// buildFlags are the go build flags of every handler build, in order.
// Together with the pinned environment (buildEnv) they make the binary a
// function of the source and the toolchain only:
//
//   - -trimpath drops the build machine's file system paths;
//   - -tags lambda.norpc leaves out the RPC shim that only the retired go1.x
//     runtime used (https://docs.aws.amazon.com/lambda/latest/dg/golang-package.html);
//   - -ldflags "-s -w -buildid=" strips the symbol table and DWARF (a
//     smaller upload) and empties the build ID, which would otherwise vary;
//   - -buildvcs=false keeps the VCS revision and dirty flag out, so a
//     commit that does not touch the handler does not change its bytes.
var buildFlags = []string{"-trimpath", "-tags", "lambda.norpc", "-ldflags", "-s -w -buildid=", "-buildvcs=false"}

// compile runs go build for ./cmd/handler of the module at src with env
// and returns the bytes of the resulting executable. A failed build
// returns a *CommandError carrying the end of the compiler's output.
func compile(ctx context.Context, run goRunner, goBin, src string, env []string) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "edasctl-handler-")
	if err != nil {
		return nil, fmt.Errorf("create build directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "bootstrap")
	args := append([]string{"build"}, buildFlags...)
	args = append(args, "-o", out, "./"+handlerDir)
	if _, err := run(ctx, invocation{Bin: goBin, Dir: src, Env: env, Args: args}); err != nil {
		return nil, err
	}
	bin, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("read compiled handler: %w", err)
	}
	return bin, nil
}
