// Command edasctl deploys, operates and removes an S3 → SNS → SQS → Lambda
// fan-out pipeline, on AWS or on its built-in local AWS.
package main

import (
	"os"

	"github.com/edasctl/edasctl/internal/cli"
	"github.com/edasctl/edasctl/internal/gctune"
	"github.com/edasctl/edasctl/internal/iostreams"
)

func main() {
	gctune.Apply()
	stopProfile := startCPUProfile()
	code := cli.Main(os.Args[1:], iostreams.System())
	stopProfile()
	os.Exit(code)
}
