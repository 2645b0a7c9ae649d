package handler

import (
	"slices"
	"testing"
)

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    Config
		wantErr string
	}{
		{
			name: "defaults the input prefix",
			env:  map[string]string{"EDAS_ACTION": "thumbnail"},
			want: Config{Action: "thumbnail", InputPrefix: "uploads/"},
		},
		{
			name: "reads the input prefix",
			env:  map[string]string{"EDAS_ACTION": "catalog", "EDAS_INPUT_PREFIX": "incoming/"},
			want: Config{Action: "catalog", InputPrefix: "incoming/"},
		},
		{
			name:    "requires an action",
			env:     map[string]string{},
			wantErr: "EDAS_ACTION: not set (want one of thumbnail, catalog)",
		},
		{
			name:    "rejects an unknown action",
			env:     map[string]string{"EDAS_ACTION": "Thumbnail"},
			wantErr: `EDAS_ACTION: unknown action "Thumbnail" (want one of thumbnail, catalog)`,
		},
		{
			name:    "rejects an input prefix inside an output prefix",
			env:     map[string]string{"EDAS_ACTION": "catalog", "EDAS_INPUT_PREFIX": "thumbnails/new/"},
			wantErr: `EDAS_INPUT_PREFIX: "thumbnails/new/" overlaps output prefix "thumbnails/"`,
		},
		{
			name:    "rejects an input prefix that contains an output prefix",
			env:     map[string]string{"EDAS_ACTION": "catalog", "EDAS_INPUT_PREFIX": "cat"},
			wantErr: `EDAS_INPUT_PREFIX: "cat" overlaps output prefix "catalog/"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ConfigFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ConfigFromEnv = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestActions_listsEveryActionNewAccepts(t *testing.T) {
	want := []string{ActionThumbnail, ActionCatalog}
	if got := Actions(); !slices.Equal(got, want) {
		t.Fatalf("Actions() = %q, want %q", got, want)
	}
	for _, a := range Actions() {
		h, err := New(Options{Config: Config{Action: a, InputPrefix: DefaultInputPrefix}, S3: newFakeS3()})
		if err != nil {
			t.Errorf("New rejects listed action %q: %v", a, err)
			continue
		}
		h.Close()
	}
	Actions()[0] = "changed"
	if Actions()[0] != ActionThumbnail {
		t.Error("Actions returned a shared slice")
	}
}
