package lambda

import "time"

// An Info is what other services of the local AWS need to know about a
// function: the event source mappings check its role and timeout.
type Info struct {
	Name, ARN, Role string
	Timeout         time.Duration
}

// Function finds a function by name, ARN or partial ARN ($LATEST only).
func (s *Service) Function(nameOrARN string) (Info, bool) {
	name, _, account, qualifier, err := parseFunctionName(nameOrARN)
	if err != nil || (account != "" && account != s.env.Account) || (qualifier != "" && qualifier != versionLatest) {
		return Info{}, false
	}
	s.mu.Lock()
	fn := s.fns[name]
	s.mu.Unlock()
	if fn == nil {
		return Info{}, false
	}
	return Info{Name: fn.Name, ARN: functionARN(fn.Region, s.env.Account, fn.Name), Role: fn.Role,
		Timeout: time.Duration(fn.Timeout) * time.Second}, true
}
