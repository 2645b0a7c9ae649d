// Package build packages the Lambda handler (cmd/handler) into the zip that
// edasctl uploads: it finds the handler's source, compiles it with a pinned,
// reproducible set of flags, wraps the binary as the single entry bootstrap of
// a deterministic zip, and caches the result keyed by everything that can
// change its bytes.
//
// Identical source, toolchain and target give a byte-identical zip, and so an
// unchanged CodeSha256: `edasctl up` can compare it with the CodeSha256 that
// Lambda reports and skip an UpdateFunctionCode that would change nothing.
//
// The package knows nothing of the CLI; the hints in its errors name the
// CLI's --handler-zip flag because that is the way around every failure here.
package build
