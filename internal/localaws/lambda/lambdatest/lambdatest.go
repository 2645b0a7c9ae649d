// Package lambdatest gives tests the local AWS Lambda's test runtime
// (../testdata/bootstrap, a bootstrap speaking the Runtime API with the
// standard library only) and deployment packages to hold it. It is for
// tests: it runs the go command.
package lambdatest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
)

var (
	once      sync.Once
	bootstrap []byte
	buildErr  error
)

// Runtime returns the test runtime's executable, built for this host once
// per process.
func Runtime() ([]byte, error) {
	once.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		dir, err := os.MkdirTemp("", "lambda-test-runtime-")
		if err != nil {
			buildErr = err
			return
		}
		defer os.RemoveAll(dir)
		bin := filepath.Join(dir, "bootstrap")
		cmd := exec.Command("go", "build", "-o", bin, "./testdata/bootstrap")
		cmd.Dir = filepath.Join(filepath.Dir(file), "..")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build the test runtime: %v\n%s", err, out)
			return
		}
		bootstrap, buildErr = os.ReadFile(bin)
	})
	return bootstrap, buildErr
}

// Zip returns a deployment package holding files (name → content);
// "bootstrap" is stored executable.
func Zip(files map[string][]byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(0o644)
		if name == "bootstrap" {
			h.SetMode(0o755)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
