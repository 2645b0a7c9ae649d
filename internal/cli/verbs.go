package cli

import "github.com/spf13/cobra"

// pendingVerbs are the verbs whose implementation lands in later work. They
// are listed in --help with their final descriptions, and fail when run.
func pendingVerbs() []*cobra.Command {
	verbs := []*cobra.Command{
		{
			Use:     "up",
			Short:   "Create or converge every resource of the pipeline",
			GroupID: "pipeline",
			Example: "  edasctl up --local\n  edasctl up --stack prod --region eu-west-1 -o json",
		},
		{
			Use:     "down",
			Short:   "Delete every resource the stack owns, in reverse dependency order",
			GroupID: "pipeline",
			Example: "  edasctl down --local\n  edasctl down --stack prod -o json",
		},
		{
			Use:     "status",
			Short:   "Show each resource's state, drift and queue depths",
			GroupID: "pipeline",
			Example: "  edasctl status\n  edasctl status -o json | jq '.resources[] | select(.state != \"ok\")'",
		},
		{
			Use:     "upload FILE|DIR|- ...",
			Short:   "Upload files into the pipeline's input prefix",
			GroupID: "daily",
			Example: "  edasctl upload cat.jpg --wait\n  edasctl upload photos/ --recursive",
		},
		{
			Use:     "tail",
			Short:   "Follow every consumer's logs, merged in time order",
			GroupID: "daily",
			Example: "  edasctl tail -f\n  edasctl tail --since 1h --filter '{ $.outcome = \"error\" }'",
		},
		{
			Use:     "demo",
			Short:   "Run the whole loop on a throwaway local AWS: up, upload, watch, down",
			GroupID: "daily",
			Example: "  edasctl demo\n  edasctl demo --keep",
		},
	}
	for _, c := range verbs {
		c.Args = cobra.ArbitraryArgs
		c.RunE = notImplemented(c.Name())
	}
	return verbs
}
