package benchcmd

import "testing"

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     int64
		wantErr  bool
	}{
		{name: "plain bytes", in: "1024", want: 1024},
		{name: "bytes with B", in: "512B", want: 512},
		{name: "kibibytes", in: "1KiB", want: 1024},
		{name: "units ignore case and spaces", in: " 256 kib ", want: 256 << 10},
		{name: "mebibytes", in: "4MiB", want: 4 << 20},
		{name: "short binary unit", in: "2m", want: 2 << 20},
		{name: "the PutObject limit", in: "5GiB", want: 5 << 30},
		{name: "refuses decimal units", in: "1KB", wantErr: true},
		{name: "refuses zero", in: "0", wantErr: true},
		{name: "refuses negatives", in: "-1KiB", wantErr: true},
		{name: "refuses fractions", in: "1.5MiB", wantErr: true},
		{name: "refuses more than 5GiB", in: "6GiB", wantErr: true},
		{name: "refuses an overflow", in: "9223372036854775807KiB", wantErr: true},
		{name: "refuses a bare unit", in: "KiB", wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSize(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("ParseSize(%q) = %d, want an error", tc.in, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestFormatSizeUsesTheLargestExactUnit(t *testing.T) {
	for in, want := range map[int64]string{1: "1B", 1024: "1KiB", 1536: "1536B", 4 << 20: "4MiB", 1 << 30: "1GiB"} {
		if got := FormatSize(in); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", in, got, want)
		}
	}
}
