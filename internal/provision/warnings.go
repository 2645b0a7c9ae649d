package provision

// Warnings returns what the user should know after an Up that produced
// results: delays AWS documents but does not signal. On the local AWS
// (Target.Local) there are none.
//
//   - After the notification configuration is created or changed, "it
//     usually takes about five minutes for the changes to take effect"
//     (AWS-RULES S8).
//   - Filter policy changes "require up to 15 minutes to fully take
//     effect" (N6).
func (p *Plan) Warnings(results []Result) []string {
	if p.target.Local {
		return nil
	}
	var out []string
	for _, r := range results {
		changed := r.Outcome == Created || r.Outcome == Updated
		switch {
		case changed && r.Kind == KindNotification:
			out = append(out, "S3 can take about 5 minutes to start sending notifications after a change; `edasctl status` shows the pipeline meanwhile")
		case changed && r.Kind == KindSubscription && p.hasFilters():
			out = append(out, "SNS filter policy changes can take up to 15 minutes to take full effect")
		}
	}
	return dedupe(out)
}

func (p *Plan) hasFilters() bool {
	for _, c := range p.cfg.Consumers {
		if !c.Filter.IsZero() {
			return true
		}
	}
	return false
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
