package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCallKeyLoginChoice: -K logs in by SCRAM over wss:// unless --plain,
// by sending the key over ws:// unless --scram (issue 16 item 8).
func TestCallKeyLoginChoice(t *testing.T) {
	const wss, ws = "wss://h:6443/api/current", "ws://127.0.0.1:6000/api/current"
	for _, tc := range []struct {
		url, user, key string
		scram, plain   bool
		want           keyLogin
		err            string
	}{
		{url: wss, user: "svc", key: "7-k", want: loginSCRAM},
		{url: "WSS://h/api/current", user: "svc", key: "7-k", want: loginSCRAM},
		{url: wss, user: "svc", key: "7-k", scram: true, want: loginSCRAM},
		{url: wss, user: "svc", key: "7-k", plain: true, want: loginPlain},
		{url: wss, key: "7-k", plain: true, want: loginPlain},
		{url: ws, user: "svc", key: "7-k", want: loginPlain},
		{url: ws, key: "7-k", want: loginPlain},
		{url: ws, user: "svc", key: "7-k", scram: true, want: loginSCRAM},
		{url: ws, user: "svc", key: "7-k", plain: true, want: loginPlain},
		{url: wss, key: "7-k", err: "give -U, or --plain"},
		{url: ws, key: "7-k", scram: true, err: "give -U, or --plain"},
		{url: wss, user: "svc", key: "7-k", scram: true, plain: true, err: "exclude each other"},
		{url: wss, user: "svc", scram: true, err: "need -K"},
		{url: ws, user: "svc", plain: true, err: "need -K"},
		{url: wss, user: "svc", want: loginPlain}, // no key: a password login or none
	} {
		got, err := chooseKeyLogin(tc.url, tc.user, tc.key, tc.scram, tc.plain)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%+v: err %v, want %q", tc, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%+v: %v, %v; want %v", tc, got, err, tc.want)
		}
	}
	if _, errOut, code := runCmd(t, "", "call", "--scram", "--plain", "-U", "svc", "-K", "7-k", "core.ping"); code != 1 ||
		!strings.Contains(errOut, "exclude each other") {
		t.Fatalf("--scram --plain: exit %d: %s", code, errOut)
	}
}

// TestCallReadSCRAMKey: -K for SCRAM takes a raw key, a precomputed key
// file's JSON, or the absolute path of such a file.
func TestCallReadSCRAMKey(t *testing.T) {
	b64 := strings.Repeat("A", 86) + "=="
	file := `{"api_key_id": 9, "client_key": "` + b64 + `", "stored_key": "` + b64 + `", "server_key": "` + b64 + `"}`
	path := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(path, []byte(file+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for in, id := range map[string]int64{"7-" + strings.Repeat("a", 64): 7, file: 9, path: 9} {
		k, err := readSCRAMKey(in)
		if err != nil || k.ID != id {
			t.Errorf("readSCRAMKey(%.20q) = %+v, %v", in, k, err)
		}
	}
	if _, err := readSCRAMKey(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing key file was read")
	}
}
