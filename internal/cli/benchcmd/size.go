package benchcmd

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxSize is the largest object bench uploads: the 5 GiB limit of a single
// PutObject
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html).
const MaxSize = 5 << 30

// sizeUnits are the accepted suffixes, longest first so "KiB" wins over "B".
var sizeUnits = []struct {
	suffix string
	factor int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30},
	{"b", 1},
}

// ParseSize parses an object size: a number of bytes ("1024", "512B") or a
// number with a binary unit ("1KiB", "256KiB", "4MiB", "1GiB"; "k", "m" and
// "g" are the same units, and case does not matter). Decimal units (KB, MB)
// are refused rather than guessed. The size must be 1 byte to [MaxSize].
func ParseSize(s string) (int64, error) {
	text := strings.ToLower(strings.TrimSpace(s))
	if strings.HasSuffix(text, "kb") || strings.HasSuffix(text, "mb") || strings.HasSuffix(text, "gb") {
		return 0, fmt.Errorf("invalid size %q: use binary units (KiB, MiB, GiB) or plain bytes", s)
	}
	factor := int64(1)
	for _, u := range sizeUnits {
		if num, ok := strings.CutSuffix(text, u.suffix); ok {
			text, factor = strings.TrimSpace(num), u.factor
			break
		}
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("invalid size %q: want a positive number of bytes or a size such as 1KiB, 256KiB, 4MiB", s)
	}
	if n > MaxSize/factor {
		return 0, fmt.Errorf("invalid size %q: at most 5GiB, the largest single PutObject", s)
	}
	return n * factor, nil
}

// FormatSize writes n bytes with the largest binary unit that divides it
// exactly: 1024 → "1KiB", 1536 → "1536B".
func FormatSize(n int64) string {
	for _, u := range []struct {
		name   string
		factor int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.factor && n%u.factor == 0 {
			return strconv.FormatInt(n/u.factor, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}

// sizeFlag is the pflag.Value of --size.
type sizeFlag struct{ n *int64 }

func (f sizeFlag) String() string {
	if f.n == nil {
		return ""
	}
	return FormatSize(*f.n)
}

func (f sizeFlag) Set(s string) error {
	n, err := ParseSize(s)
	if err != nil {
		return err
	}
	*f.n = n
	return nil
}

func (f sizeFlag) Type() string { return "size" }
