package handler

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Action names accepted in EDAS_ACTION.
const (
	ActionThumbnail = "thumbnail"
	ActionCatalog   = "catalog"
)

// Environment variables read by [ConfigFromEnv].
const (
	EnvAction      = "EDAS_ACTION"
	EnvInputPrefix = "EDAS_INPUT_PREFIX"
)

// Key prefixes. The input prefix is configurable; the output prefixes are
// fixed so that other commands can find what the handler wrote.
const (
	DefaultInputPrefix = "uploads/"
	ThumbnailPrefix    = "thumbnails/"
	CatalogPrefix      = "catalog/"
)

// Actions returns the valid action names, in a stable order. The caller owns
// the returned slice.
func Actions() []string {
	return []string{ActionThumbnail, ActionCatalog}
}

// Config is what one function instance does.
type Config struct {
	// Action is one of [Actions].
	Action string
	// InputPrefix is the key prefix of the objects to process. Keys outside
	// it are skipped. It must be non-empty and must not overlap
	// [ThumbnailPrefix] or [CatalogPrefix], or the handler would consume its
	// own output.
	InputPrefix string
}

// ConfigFromEnv reads a Config from EDAS_ACTION and EDAS_INPUT_PREFIX through
// getenv (os.Getenv in production). An unset EDAS_INPUT_PREFIX means
// [DefaultInputPrefix]. The error names the offending variable.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{Action: getenv(EnvAction), InputPrefix: getenv(EnvInputPrefix)}
	if cfg.InputPrefix == "" {
		cfg.InputPrefix = DefaultInputPrefix
	}
	if err := validateAction(cfg.Action); err != nil {
		return Config{}, fmt.Errorf("%s: %w", EnvAction, err)
	}
	if err := validateInputPrefix(cfg.InputPrefix); err != nil {
		return Config{}, fmt.Errorf("%s: %w", EnvInputPrefix, err)
	}
	return cfg, nil
}

// Validate reports whether c names a known action and a usable input prefix.
func (c Config) Validate() error {
	if err := validateAction(c.Action); err != nil {
		return fmt.Errorf("action: %w", err)
	}
	if err := validateInputPrefix(c.InputPrefix); err != nil {
		return fmt.Errorf("input prefix: %w", err)
	}
	return nil
}

func validateAction(action string) error {
	want := strings.Join(Actions(), ", ")
	switch {
	case action == "":
		return fmt.Errorf("not set (want one of %s)", want)
	case !slices.Contains(Actions(), action):
		return fmt.Errorf("unknown action %q (want one of %s)", action, want)
	}
	return nil
}

func validateInputPrefix(prefix string) error {
	if prefix == "" {
		return errors.New("must not be empty")
	}
	for _, out := range []string{ThumbnailPrefix, CatalogPrefix} {
		if strings.HasPrefix(out, prefix) || strings.HasPrefix(prefix, out) {
			return fmt.Errorf("%q overlaps output prefix %q", prefix, out)
		}
	}
	return nil
}
