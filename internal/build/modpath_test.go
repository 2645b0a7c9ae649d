package build

import "testing"

func TestEscapeModulePath(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{name: "leaves a lower-case path alone", in: "github.com/edasctl/edasctl", want: "github.com/edasctl/edasctl"},
		{name: "escapes each upper-case letter", in: "github.com/Azure/AzureSDK", want: "github.com/!azure/!azure!s!d!k"},
		{name: "escapes a version the same way", in: "v1.0.0-RC1", want: "v1.0.0-!r!c1"},
		{name: "keeps digits and punctuation", in: "example.com/a_b-c~d.e/v2", want: "example.com/a_b-c~d.e/v2"},
		{name: "rejects an exclamation mark", in: "example.com/!x", wantErr: true},
		{name: "rejects non-ASCII", in: "example.com/é", wantErr: true},
		{name: "rejects a control character", in: "example.com/\tx", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := escapeModulePath(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("escapeModulePath(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}
