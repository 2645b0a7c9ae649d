// Package version reports which edasctl this is.
package version

import "runtime/debug"

// Version is set at release time with -ldflags "-X …/version.Version=v1.2.3".
// When empty, String falls back to the module version in the build info
// (set by `go install …@v1.2.3`), then to "dev".
var Version = ""

// String returns the version of this binary.
func String() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
