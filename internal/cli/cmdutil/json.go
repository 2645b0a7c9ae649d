package cmdutil

import (
	"encoding/json"
	"io"
)

// WriteJSON writes v as one indented JSON document followed by a newline:
// the -o json output of every verb that reports a single document.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
