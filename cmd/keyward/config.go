package main

import (
	"context"
	"errors"
	"flag"

	"github.com/keyward/keyward/internal/config"
)

// configCmd is `keyward config print [--config F] [settings]`: the
// effective settings as a config file, each with its source.
func (e env) configCmd(_ context.Context, args []string) error {
	if len(args) == 0 || args[0] != "print" {
		return errors.New("usage: keyward config print [--config FILE] [settings]")
	}
	fs := flag.NewFlagSet("keyward config print", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cfg, _, err := config.Load(fs, args[1:], e.lookup)
	if err != nil {
		return err
	}
	return cfg.Print(e.stdout)
}
