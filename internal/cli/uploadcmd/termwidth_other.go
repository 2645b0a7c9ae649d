//go:build !unix

package uploadcmd

import "io"

// termWidth is the width in columns of the terminal w writes to, or 0 when
// it cannot be told (always, on this OS).
func termWidth(io.Writer) int { return 0 }
