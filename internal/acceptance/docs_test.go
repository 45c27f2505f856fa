package acceptance_test

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	return string(b)
}

// TestDocsMatchGetMethods: every method core.get_methods shows a FULL_ADMIN
// has a docs page, and its accepts schemas are identical in
// core.get_methods, on the page and in openrpc.json (protocol acceptance 16).
func TestDocsMatchGetMethods(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	methods := admin.MustResult("core.get_methods").(map[string]any)
	var doc struct {
		Methods []struct {
			Name   string `json:"name"`
			Params []struct {
				Schema json.RawMessage `json:"schema"`
			} `json:"params"`
		} `json:"methods"`
	}
	if err := json.Unmarshal([]byte(get(t, srv.URL("/api/docs/current/openrpc.json"))), &doc); err != nil {
		t.Fatal(err)
	}
	openrpc := map[string][]json.RawMessage{}
	for _, m := range doc.Methods {
		for _, p := range m.Params {
			openrpc[m.Name] = append(openrpc[m.Name], p.Schema)
		}
	}
	for name, info := range methods {
		page := get(t, srv.URL("/api/docs/current/methods/"+name+".html"))
		for i, a := range info.(map[string]any)["accepts"].([]any) {
			fromGetMethods := canon(t, a)
			if got := canon(t, openrpc[name][i]); got != fromGetMethods {
				t.Fatalf("%s param %d: openrpc %s, core.get_methods %s", name, i, got, fromGetMethods)
			}
			b, _ := json.MarshalIndent(decodeJSON(t, fromGetMethods), "", "  ")
			if !strings.Contains(page, html.EscapeString(string(b))) {
				t.Fatalf("%s page lacks param %d's schema %s", name, i, b)
			}
		}
	}
}

// TestDocumentedConstraint: a call breaking a documented constraint fails
// with the message the docs show for it (protocol acceptance 17).
func TestDocumentedConstraint(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	r := admin.Call("api_key.create", map[string]any{"name": strings.Repeat("n", 201), "username": "admin"})
	msg := "String should have at most 200 characters"
	if apptest.Code(r) != -32602 || !strings.Contains(apptest.Extra(r), msg) {
		t.Fatalf("got %s", apptest.String(r))
	}
	if page := get(t, srv.URL("/api/docs/current/methods/api_key.create.html")); !strings.Contains(page, html.EscapeString(`"`+msg+`"`)) {
		t.Fatal("the docs do not show the message")
	}
}

func canon(t *testing.T, v any) string {
	t.Helper()
	var x any
	switch r := v.(type) {
	case json.RawMessage:
		x = decodeJSON(t, string(r))
	default:
		b, _ := json.Marshal(v)
		x = decodeJSON(t, string(b))
	}
	b, _ := json.Marshal(x)
	return string(b)
}

func decodeJSON(t *testing.T, s string) any {
	t.Helper()
	var x any
	if err := json.Unmarshal([]byte(s), &x); err != nil {
		t.Fatal(err)
	}
	return x
}
