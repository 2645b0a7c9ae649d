package handler

import "testing"

func TestOutputKeys(t *testing.T) {
	tests := []struct {
		name          string
		prefix, key   string
		wantThumbnail string
		wantCatalog   string
	}{
		{"maps a key under the input prefix", "uploads/", "uploads/cat.jpg", "thumbnails/cat.jpg", "catalog/cat.jpg.json"},
		{"keeps sub-folders", "uploads/", "uploads/2024/05/a b.png", "thumbnails/2024/05/a b.png", "catalog/2024/05/a b.png.json"},
		{"keeps a WebP key's name", "uploads/", "uploads/写真.webp", "thumbnails/写真.webp", "catalog/写真.webp.json"},
		{"works with a prefix without a slash", "in-", "in-x.gif", "thumbnails/x.gif", "catalog/x.gif.json"},
		{"returns nothing for a key outside the prefix", "uploads/", "other/cat.jpg", "", ""},
		{"returns nothing for the prefix itself", "uploads/", "uploads/", "", ""},
		{"returns nothing for a folder placeholder", "uploads/", "uploads/2024/", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ThumbnailKey(tt.prefix, tt.key); got != tt.wantThumbnail {
				t.Errorf("ThumbnailKey(%q, %q) = %q, want %q", tt.prefix, tt.key, got, tt.wantThumbnail)
			}
			if got := CatalogKey(tt.prefix, tt.key); got != tt.wantCatalog {
				t.Errorf("CatalogKey(%q, %q) = %q, want %q", tt.prefix, tt.key, got, tt.wantCatalog)
			}
		})
	}
}
