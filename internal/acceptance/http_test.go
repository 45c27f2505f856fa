package acceptance_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/apptest"
)

func TestHTTPRoutes(t *testing.T) { // protocol acceptance 1
	t.Parallel()
	srv := apptest.MustStart(t)
	for _, tc := range []struct {
		path, body, ctype string
		code              int
	}{
		{"/api/versions", `["v25.04.0","v25.04.1","v25.04.2","v25.10.0","v25.10.1","v25.10.2","v25.10.3","v25.10.4","v25.10.5","v26.0.0"]` + "\n", "application/json", 200},
		{"/api/current", "WebSocket upgrade required", "text/plain; charset=utf-8", 400},
		{"/api/v25.04.0", "WebSocket upgrade required", "text/plain; charset=utf-8", 400},
		{"/api/v25.10.2", "WebSocket upgrade required", "text/plain; charset=utf-8", 400},
		{"/api/v26.0.0", "WebSocket upgrade required", "text/plain; charset=utf-8", 400},
		{"/api/v25.10.6", "404 page not found\n", "text/plain; charset=utf-8", 404},
		{"/api/v27.0.0", "404 page not found\n", "text/plain; charset=utf-8", 404},
		{"/healthz", "ok", "text/plain; charset=utf-8", 200},
		{"/readyz", "ok", "text/plain; charset=utf-8", 200},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, err := http.Get(srv.URL(tc.path))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.code || string(body) != tc.body || resp.Header.Get("Content-Type") != tc.ctype {
				t.Fatalf("%d %q %q", resp.StatusCode, body, resp.Header.Get("Content-Type"))
			}
		})
	}
	for _, path := range []string{"/api/v25.10.6", "/api/v24.10", "/api/v27.0.0", "/websocket"} {
		t.Run("ErrUpgrade"+path, func(t *testing.T) {
			_, resp, err := websocket.Dial(context.Background(), "ws://"+srv.Addr+path, nil)
			if err == nil || resp == nil || resp.StatusCode != http.StatusNotFound {
				t.Fatalf("upgrade of %s: %v %v", path, resp, err)
			}
		})
	}
}
