package config

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// Where a setting's value came from, weakest first: a flag beats the
// environment, which beats the config file, which beats the default.
const (
	FromDefault = "default"
	FromFile    = "file"
	FromEnv     = "env"
	FromFlag    = "flag"
)

// setting is one value given for an option, and where.
type setting struct {
	opt   option
	value string
}

// Load builds the configuration from the defaults, then the config file
// (--config or KEYWARD_CONFIG, TOML), then the environment (lookup, usually
// os.LookupEnv), then the flags in args, and validates it. The settings'
// flags are added to fs, which may hold a command's own flags too; it
// returns the remaining arguments.
func Load(fs *flag.FlagSet, args []string, lookup func(string) (string, bool)) (*Config, []string, error) {
	file, _ := lookup("KEYWARD_CONFIG")
	fs.Func("config", "TOML file of settings, overridden by the environment and flags (env KEYWARD_CONFIG)",
		func(v string) error { file = v; return nil })
	flags := addFlags(fs)
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	c := Default()
	c.File = file
	if file != "" {
		fromFile, err := readFile(file)
		if err != nil {
			return nil, nil, err
		}
		if err := c.apply(fromFile, FromFile); err != nil {
			return nil, nil, err
		}
	}
	if v, ok := lookup("KEYWARD_PEPPER"); ok {
		c.Pepper = v // never a flag or in the file: it would show in the process list or a readable file
	}
	var fromEnv []setting
	for _, o := range options {
		if v, ok := lookup(o.envName()); ok {
			fromEnv = append(fromEnv, setting{o, v})
		}
	}
	if err := c.apply(fromEnv, FromEnv); err != nil {
		return nil, nil, err
	}
	if err := c.apply(*flags, FromFlag); err != nil {
		return nil, nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, nil, err
	}
	return c, fs.Args(), nil
}

// addFlags adds a flag per option; parsing records the values given, in
// order, and checks each (so a bad flag fails at once, naming itself).
func addFlags(fs *flag.FlagSet) *[]setting {
	given := &[]setting{}
	for _, o := range options {
		usage := fmt.Sprintf("%s (env %s, default %q)", o.usage, o.envName(), o.get(Default()))
		set := func(v string) error {
			if err := o.set(Default(), v); err != nil {
				return fmt.Errorf("%s: %w", o.name, err)
			}
			*given = append(*given, setting{o, v})
			return nil
		}
		if o.boolean() {
			fs.BoolFunc(o.flagName(), usage, set)
		} else {
			fs.Func(o.flagName(), usage, set)
		}
	}
	return given
}

// apply sets each value and records its source; errors name the option
// and where its value came from.
func (c *Config) apply(settings []setting, source string) error {
	for _, s := range settings {
		if err := s.opt.set(c, s.value); err != nil {
			where := map[string]string{FromFile: "in " + c.File, FromEnv: "from " + s.opt.envName(),
				FromFlag: "from --" + s.opt.flagName()}[source]
			return fmt.Errorf("%s (%s): %w", s.opt.name, where, err)
		}
		if c.sources == nil {
			c.sources = map[string]string{}
		}
		c.sources[s.opt.name] = source
	}
	return nil
}

// Source returns where the effective value of a setting came from:
// FromDefault, FromFile, FromEnv or FromFlag.
func (c *Config) Source(name string) string {
	if s, ok := c.sources[name]; ok {
		return s
	}
	return FromDefault
}

// readFile reads a TOML config file: one key per setting, named as in
// the settings table (listen, rate_limit_calls, ...). Values may be
// strings, integers, booleans or arrays of strings (for lists such as
// trusted_proxies). Unknown keys and tables are errors, so a misspelled
// setting is never silently ignored.
func readFile(path string) ([]setting, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []setting
	for _, k := range keys {
		o, ok := optionNamed(k)
		if !ok {
			return nil, fmt.Errorf("config %s: unknown setting %q", path, k)
		}
		v, err := tomlValue(raw[k])
		if err != nil {
			return nil, fmt.Errorf("config %s: %s: %w", path, k, err)
		}
		out = append(out, setting{o, v})
	}
	return out, nil
}

// tomlValue turns a TOML value into the text form the options parse.
func tomlValue(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int64, bool:
		return fmt.Sprint(x), nil
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return "", fmt.Errorf("list items must be strings, not %T", e)
			}
			parts[i] = s
		}
		return strings.Join(parts, ","), nil
	}
	return "", fmt.Errorf("want a string, integer, boolean or list of strings, not %T", v)
}

func optionNamed(name string) (option, bool) {
	for _, o := range options {
		if o.name == name {
			return o, true
		}
	}
	return option{}, false
}
