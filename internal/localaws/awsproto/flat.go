package awsproto

import (
	"net/url"
	"strconv"
)

// FlatList returns the values of a flattened query-protocol list parameter
// serialised as prefix.1, prefix.2, … (SQS's AttributeName.N, TagKey.N),
// stopping at the first gap.
func FlatList(params url.Values, prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		k := prefix + "." + strconv.Itoa(i)
		if _, ok := params[k]; !ok {
			return out
		}
		out = append(out, params.Get(k))
	}
}
