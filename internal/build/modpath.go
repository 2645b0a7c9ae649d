package build

import (
	"fmt"
	"strings"
)

// escapeModulePath returns s in the case-encoded form that the module cache
// uses for file names of module paths and versions, so that modules whose
// paths differ only in case do not collide on case-insensitive file systems:
// every upper-case ASCII letter becomes '!' followed by its lower-case form
// ("github.com/Azure/x" → "github.com/!azure/x"). It is the escaping of
// golang.org/x/mod/module.EscapePath and EscapeVersion, which this module
// does not depend on. A '!', a non-ASCII or a control character cannot occur
// in a valid module path or version and is an error.
func escapeModulePath(s string) (string, error) {
	var b strings.Builder
	b.Grow(len(s) + 4)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '!' || c >= 0x80 || c < 0x20 || c == 0x7f:
			return "", fmt.Errorf("escape module path %q: invalid character %q", s, rune(c))
		case 'A' <= c && c <= 'Z':
			b.WriteByte('!')
			b.WriteByte(c + ('a' - 'A'))
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}
