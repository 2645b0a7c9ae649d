// Command edasctl deploys, operates and removes an S3 → SNS → SQS → Lambda
// fan-out pipeline, on AWS or on its built-in local AWS.
package main

import (
	"os"

	"github.com/edasctl/edasctl/internal/cli"
	"github.com/edasctl/edasctl/internal/iostreams"
)

func main() {
	tuneGC()
	os.Exit(cli.Main(os.Args[1:], iostreams.System()))
}
