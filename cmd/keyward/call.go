package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/client"
)

// callCmd is `keyward call`: one method call printed as JSON, like
// TrueNAS's `midclt call`.
func callCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("keyward call", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "ws://127.0.0.1:6000/api/current", "WebSocket URL of the API")
	user := fs.String("U", "", "username (password login, or the owner of the -K key)")
	pass := fs.String("P", "", "password")
	key := fs.String("K", "", "API key: a raw key; with SCRAM also a precomputed key file's JSON or its absolute path")
	scram := fs.Bool("scram", false, "log in with -K by SCRAM-SHA-512 (the default over wss://: bound to the TLS channel; needs -U)")
	plain := fs.Bool("plain", false, "log in with -K by sending the key (API_KEY_PLAIN; the default over ws://)")
	timeout := fs.Duration("timeout", 60*time.Second, "give up after this long")
	ca := fs.String("ca", "", "PEM certificate(s) to trust for wss:// (e.g. the data directory's tls.crt)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: keyward call [--url U] [--ca FILE] [-U user -P pass | [-U owner] -K key [--scram | --plain]] METHOD [JSON params...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 1 {
		fs.Usage()
		return fmt.Errorf("no method given")
	}
	params, err := parseParams(fs.Args()[1:])
	if err != nil {
		return err
	}
	how, err := chooseKeyLogin(*url, *user, *key, *scram, *plain)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	opts, err := dialOptions(*ca)
	if err != nil {
		return err
	}
	c, err := client.Dial(ctx, *url, opts)
	if err != nil {
		return err
	}
	defer c.Close()
	switch {
	case *key != "":
		err = loginWithKey(ctx, c, how, *user, *key)
	case *user != "":
		err = c.LoginPassword(ctx, *user, *pass)
	}
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	result, err := c.Call(ctx, fs.Arg(0), params...)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, result, "", "  "); err != nil {
		return fmt.Errorf("result: %w", err)
	}
	out.WriteByte('\n')
	_, err = stdout.Write(out.Bytes())
	return err
}

// parseParams reads each argument as one JSON value.
func parseParams(args []string) ([]any, error) {
	params := make([]any, len(args))
	for i, a := range args {
		d := json.NewDecoder(bytes.NewReader([]byte(a)))
		d.UseNumber()
		if err := d.Decode(&params[i]); err != nil {
			return nil, fmt.Errorf("param %d is not JSON: %w", i+1, err)
		}
	}
	return params, nil
}

// dialOptions trusts the certificates in the PEM file ca, if one is given,
// instead of the system's roots.
func dialOptions(ca string) (*websocket.DialOptions, error) {
	if ca == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(ca)
	if err != nil {
		return nil, fmt.Errorf("--ca: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--ca: no PEM certificate in %s", ca)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}
	return &websocket.DialOptions{HTTPClient: &http.Client{Transport: tr}}, nil
}
