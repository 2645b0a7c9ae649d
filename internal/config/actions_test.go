package config

import (
	"slices"
	"testing"

	"github.com/edasctl/edasctl/internal/handler"
)

// The configuration validates actions and output prefixes without importing
// the handler; this keeps the two lists from drifting apart.
func TestActionsAndOutputPrefixesMatchTheHandler(t *testing.T) {
	if !slices.Equal(Actions(), handler.Actions()) {
		t.Fatalf("config actions %v, handler actions %v", Actions(), handler.Actions())
	}
	if ThumbnailPrefix != handler.ThumbnailPrefix || CatalogPrefix != handler.CatalogPrefix {
		t.Fatalf("output prefixes differ: config %s %s, handler %s %s", ThumbnailPrefix, CatalogPrefix, handler.ThumbnailPrefix, handler.CatalogPrefix)
	}
	if DefaultInputPrefix != handler.DefaultInputPrefix {
		t.Fatalf("default input prefix: config %s, handler %s", DefaultInputPrefix, handler.DefaultInputPrefix)
	}
}
