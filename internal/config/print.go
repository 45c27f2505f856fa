package config

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
)

// Print writes the effective configuration as a TOML config file that
// Load accepts, each line commented with where its value came from. The
// pepper is never shown, only where it is kept.
func (c *Config) Print(w io.Writer) error {
	if c.File != "" {
		if _, err := fmt.Fprintf(w, "# effective settings (config file %s)\n", c.File); err != nil {
			return err
		}
	} else if _, err := fmt.Fprintln(w, "# effective settings (no config file)"); err != nil {
		return err
	}
	for _, o := range options {
		v := o.get(c)
		text, _ := json.Marshal(v) // a JSON string is a TOML basic string
		if o.boolean() {
			text = []byte(v)
		}
		if _, err := fmt.Fprintf(w, "%s = %s  # %s\n", o.name, text, c.Source(o.name)); err != nil {
			return err
		}
	}
	pepper := "the file " + filepath.Join(c.DataDir, "pepper")
	if c.Pepper != "" {
		pepper = "******** (from KEYWARD_PEPPER)"
	}
	_, err := fmt.Fprintf(w, "# pepper: %s; never in this file\n", pepper)
	return err
}
