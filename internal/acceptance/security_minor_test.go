package acceptance_test

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// TestSecurityItem11AssetsNoListing: /assets/ serves files only; its
// directories are not found rather than listed.
func TestSecurityItem11AssetsNoListing(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	for _, tc := range []struct {
		path  string
		code  int
		ctype string
	}{
		{"/assets/js/app.js", http.StatusOK, "text/javascript; charset=utf-8"},
		{"/assets/app.css", http.StatusOK, "text/css; charset=utf-8"},
		{"/assets/js/", http.StatusNotFound, ""},
		{"/assets/js", http.StatusNotFound, ""},
		{"/assets/", http.StatusNotFound, ""},
		{"/assets/js/nope.js", http.StatusNotFound, ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := client.Get(srv.URL(tc.path))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.code {
				t.Fatalf("HTTP %d, want %d: %.200s", resp.StatusCode, tc.code, body)
			}
			if tc.ctype != "" && resp.Header.Get("Content-Type") != tc.ctype {
				t.Fatalf("Content-Type %q", resp.Header.Get("Content-Type"))
			}
			if strings.Contains(string(body), `<a href="app.js">`) {
				t.Fatalf("directory listed: %.200s", body)
			}
		})
	}
}

// TestSecurityItem11HSTS: responses on the TLS listener carry
// Strict-Transport-Security; those on plain HTTP do not (a browser ignores
// it there).
func TestSecurityItem11HSTS(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, func(c *config.Config) { c.TLSListen, c.TLSSelfSigned = "127.0.0.1:0", true })
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	for _, path := range []string{"/", "/api/versions", "/api/docs/current/", "/healthz"} {
		resp, err := insecure.Get("https://" + srv.TLSAddr + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
			t.Errorf("TLS GET %s: Strict-Transport-Security %q", path, got)
		}
		plain, err := http.Get(srv.URL(path))
		if err != nil {
			t.Fatal(err)
		}
		plain.Body.Close()
		if got := plain.Header.Get("Strict-Transport-Security"); got != "" {
			t.Errorf("plain GET %s: Strict-Transport-Security %q", path, got)
		}
	}
}

// TestSecurityItem11OpenRPCHost: openrpc.json names the WebSocket endpoint
// by a relative URL and never repeats the request's Host header.
func TestSecurityItem11OpenRPCHost(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	for _, v := range []string{"current", "v25.04.0", "v25.10.0"} {
		req, err := http.NewRequest(http.MethodGet, srv.URL("/api/docs/"+v+"/openrpc.json"), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = "evil.example:666"
		req.Header.Set("X-Forwarded-Proto", "https")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var doc struct {
			Info    struct{ Version string }
			Servers []struct{ URL string }
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/"+doc.Info.Version {
			t.Fatalf("%s: servers %+v", v, doc.Servers)
		}
		if strings.Contains(string(body), "evil.example") {
			t.Fatalf("%s: the Host header is in the document", v)
		}
	}
}
