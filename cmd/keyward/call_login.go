package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/keyward/keyward/internal/client"
)

// keyLogin is how `keyward call` logs in with -K.
type keyLogin int

const (
	// loginPlain sends the key itself: auth.login_ex API_KEY_PLAIN with
	// -U, auth.login_with_api_key without.
	loginPlain keyLogin = iota
	// loginSCRAM proves the key by SCRAM-SHA-512, bound to the TLS
	// channel over wss:// (scram.md 3.1).
	loginSCRAM
)

// chooseKeyLogin picks the -K login: --plain or --scram as asked, else
// SCRAM over wss:// (as TrueNAS 26's midclt) and plain over ws://, where
// loopback and the unix socket are secure transport.
func chooseKeyLogin(url, user, key string, scram, plain bool) (keyLogin, error) {
	switch {
	case scram && plain:
		return 0, errors.New("--scram and --plain exclude each other")
	case key == "" && (scram || plain):
		return 0, errors.New("--scram and --plain need -K")
	case key == "" || plain:
		return loginPlain, nil
	case !scram && !strings.HasPrefix(strings.ToLower(url), "wss://"):
		return loginPlain, nil
	case user == "":
		return 0, errors.New("SCRAM needs the key's owner: give -U, or --plain")
	}
	return loginSCRAM, nil
}

// loginWithKey logs c in with the -K key as chosen.
func loginWithKey(ctx context.Context, c *client.Client, how keyLogin, user, key string) error {
	if how == loginPlain {
		return c.LoginKey(ctx, user, key)
	}
	k, err := readSCRAMKey(key)
	if err != nil {
		return fmt.Errorf("-K: %w", err)
	}
	s := &client.SCRAM{User: user, Key: k}
	if c.TLS() != nil {
		if s.Binding, err = client.ServerEndPoint(c.TLS()); err != nil {
			return fmt.Errorf("%w (use --plain)", err)
		}
	}
	_, err = c.LoginSCRAM(ctx, s)
	return err
}

// readSCRAMKey reads a raw key or a precomputed key file's JSON, given
// as is or as the absolute path of a file holding it (as midclt -K).
func readSCRAMKey(key string) (client.SCRAMKey, error) {
	if filepath.IsAbs(key) {
		data, err := os.ReadFile(key)
		if err != nil {
			return client.SCRAMKey{}, err
		}
		key = string(data)
	}
	return client.ParseSCRAMKey(key)
}
