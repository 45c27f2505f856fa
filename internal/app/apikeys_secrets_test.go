package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// TestRawKeysNeverStoredOrSent creates, resets, uses and misuses keys while
// a subscriber records every message it receives, then searches the data
// files, the debug log, every audit record and every event for each raw
// key and each secret.
func TestRawKeysNeverStoredOrSent(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, trustLoopbackProxy)
	admin := srv.MustSetupAdmin(t)
	sub := apptest.MustDialHeader(t, srv.WSURL("current"), tlsProxy)
	sub.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	sub.MustResult("core.subscribe", "*")
	var mu sync.Mutex
	var events []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			data, err := sub.ReadRaw(apptest.Timeout)
			if err != nil {
				return
			}
			mu.Lock()
			events = append(events, string(data))
			mu.Unlock()
		}
	}()

	var secrets []string
	keep := func(raw string) { secrets = append(secrets, raw, raw[strings.IndexByte(raw, '-')+1:]) }
	id1, raw1 := apptest.MustCreateKey(t, admin, "one", "admin")
	_, raw2 := apptest.MustCreateKey(t, admin, "two", "admin")
	keep(raw1)
	keep(raw2)
	reset := admin.MustResult("api_key.update", id1, map[string]any{"reset": true}).(map[string]any)["key"].(string)
	keep(reset)
	secure := apptest.MustDialHeader(t, srv.WSURL("current"), tlsProxy)
	secure.KeyLogin("admin", reset)
	secure.KeyLogin("admin", raw1)
	secure.MustResult("auth.login_with_api_key", raw2)
	secure.MustResult("auth.login_with_api_key", raw1)
	apptest.MustDialHeader(t, srv.WSURL("current"), plainProxy).KeyLogin("admin", raw2) // revokes it
	admin.MustResult("api_key.delete", id1)
	audit := apptest.String(admin.MustResult("audit.query"))
	sub.Conn().CloseNow()
	<-done
	if err := srv.App.Checkpoint(t.Context()); err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	sent := strings.Join(events, "\n")
	mu.Unlock()
	if !strings.Contains(sent, `"msg":"added"`) || !strings.Contains(sent, `"msg":"removed"`) {
		t.Fatalf("the subscriber saw no events: %s", sent)
	}
	places := map[string]string{"events": sent, "log": srv.Logs(), "audit records": audit}
	files, _ := filepath.Glob(filepath.Join(srv.DataDir, "*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		places[filepath.Base(f)] = string(data)
	}
	for where, text := range places {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s contains the secret %q", where, s)
			}
		}
	}
}
