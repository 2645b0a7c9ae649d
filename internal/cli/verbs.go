package cli

import "github.com/spf13/cobra"

// pendingVerbs are the verbs whose implementation lands in later work. They
// are listed in --help with their final descriptions, and fail when run.
func pendingVerbs() []*cobra.Command {
	verbs := []*cobra.Command{
		{
			Use:     "upload FILE|DIR|- ...",
			Short:   "Upload files into the pipeline's input prefix",
			GroupID: "daily",
			Example: "  edasctl upload cat.jpg --wait\n  edasctl upload photos/ --recursive",
		},
	}
	for _, c := range verbs {
		c.Args = cobra.ArbitraryArgs
		c.RunE = notImplemented(c.Name())
	}
	return verbs
}
