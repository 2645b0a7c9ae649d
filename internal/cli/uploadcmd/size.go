package uploadcmd

import (
	"fmt"
	"strconv"
	"strings"
)

// A byteSize is a flag value holding a number of bytes, written as an
// integer with an optional binary unit: 5MiB, 64KiB, 1GiB, 1048576.
type byteSize int64

var units = []struct {
	suffix string
	n      int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

// String formats b with the largest unit that divides it.
func (b *byteSize) String() string {
	for _, u := range units {
		if int64(*b) != 0 && int64(*b)%u.n == 0 {
			return fmt.Sprintf("%d%s", int64(*b)/u.n, u.suffix)
		}
	}
	return strconv.FormatInt(int64(*b), 10)
}

// Set parses s.
func (b *byteSize) Set(s string) error {
	num, mult := s, int64(1)
	for _, u := range units {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			num, mult = v, u.n
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n < 0 {
		return fmt.Errorf("want a size such as 8MiB, 512KiB or 1048576")
	}
	*b = byteSize(n * mult)
	return nil
}

// Type names the value in --help.
func (b *byteSize) Type() string { return "size" }

// humanBytes formats n for people: 512 B, 6.2 KiB, 12.0 MiB.
func humanBytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	f, unit := float64(n)/1024, "KiB"
	for _, u := range []string{"MiB", "GiB", "TiB"} {
		if f < 1024 {
			break
		}
		f, unit = f/1024, u
	}
	return fmt.Sprintf("%.1f %s", f, unit)
}
