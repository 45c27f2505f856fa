package docs_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/api"
	"github.com/keyward/keyward/internal/docs"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
)

// MustOpenDocs serves the docs of a registry with every public method,
// plus the given extra methods.
func MustOpenDocs(tb testing.TB, extra ...*rpc.Method) (*httptest.Server, *rpc.Registry) {
	tb.Helper()
	reg := rpc.NewRegistry()
	api.Register(reg, &api.Handlers{})
	reg.Register(extra...)
	srv := httptest.NewServer(docs.Handler(reg, docs.Settings{LoginFailDelay: "1s-2s", RateLimitCalls: 20}))
	tb.Cleanup(srv.Close)
	return srv, reg
}

func fetch(tb testing.TB, url string) (int, string, http.Header) {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// TestEveryMethodDocumented walks the registry and finds each method on
// its page on every served path, with its schemas and roles.
func TestEveryMethodDocumented(t *testing.T) {
	srv, reg := MustOpenDocs(t)
	for _, v := range keyward.Paths {
		_, index, _ := fetch(t, srv.URL+"/api/docs/"+string(v)+"/")
		if !strings.Contains(index, "Keyward API "+string(v)) {
			t.Errorf("%s: the index does not name its path", v)
		}
		for _, s := range reg.Specs(v.Version()) {
			t.Run(string(v)+"/"+s.Name, func(t *testing.T) {
				if !strings.Contains(index, "methods/"+s.Name+".html") || !strings.Contains(index, html.EscapeString(s.Summary)) {
					t.Fatal("not listed on the index")
				}
				code, page, h := fetch(t, srv.URL+"/api/docs/"+string(v)+"/methods/"+s.Name+".html")
				if code != 200 || h.Get("Cache-Control") != "no-store" {
					t.Fatalf("status %d, Cache-Control %q", code, h.Get("Cache-Control"))
				}
				want := []string{html.EscapeString(s.Name), html.EscapeString(s.Description), html.EscapeString(docs.AccessText(s)),
					"Call parameters", "Return value", pretty(t, s.Result.JSON()), pretty(t, schema.ParamsJSON(s.Params))}
				for _, p := range s.Params {
					want = append(want, pretty(t, schema.FieldJSON(p)))
				}
				for _, w := range want {
					if !strings.Contains(page, w) {
						t.Fatalf("page lacks %q", w)
					}
				}
			})
		}
	}
}

func pretty(tb testing.TB, v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	return html.EscapeString(string(b))
}

// TestNewMethodAppears registers a method only this test knows and finds it
// on the index, its page and in OpenRPC with no other change.
func TestNewMethodAppears(t *testing.T) {
	m := &rpc.Method{Name: "test.echo", Summary: "Echo a word back.", Description: "Returns its parameter.",
		Params: []schema.Field{schema.Req("word", schema.String().Len(1, 5))}, Result: schema.String(),
		Access: rpc.NeedLogin, Handler: func(_ context.Context, c *rpc.Call) (any, error) { return c.Params[0], nil }}
	srv, _ := MustOpenDocs(t, m)
	if _, index, _ := fetch(t, srv.URL+"/api/docs/current/"); !strings.Contains(index, "test.echo") {
		t.Fatal("not on the index")
	}
	if code, page, _ := fetch(t, srv.URL+"/api/docs/current/methods/test.echo.html"); code != 200 ||
		!strings.Contains(page, html.EscapeString(`"String should have at most 5 characters"`)) {
		t.Fatalf("page %d", code)
	}
	if _, doc, _ := fetch(t, srv.URL+"/api/docs/v25.04.0/openrpc.json"); !strings.Contains(doc, `"name": "test.echo"`) {
		t.Fatal("not in OpenRPC")
	}
}

func TestRoutes(t *testing.T) {
	srv, _ := MustOpenDocs(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/api/docs", "/api/docs/"} {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/api/docs/current/" {
			t.Fatalf("%s: %d %q", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	for path, want := range map[string]int{
		"/api/docs/v9.9.9/": 404, "/api/docs/current/nope.html": 404, "/api/docs/current/methods/nope.html": 404,
		"/api/docs/current/jsonrpc.html": 200, "/api/docs/v25.04.0/query_methods.html": 200,
		"/api/docs/current/authentication.html": 200, "/api/docs/current/roles.html": 200, "/api/docs/current/api_events.html": 200,
	} {
		if code, _, _ := fetch(t, srv.URL+path); code != want {
			t.Errorf("%s: %d, want %d", path, code, want)
		}
	}
	_, cur, _ := fetch(t, srv.URL+"/api/docs/current/roles.html")
	_, v26, _ := fetch(t, srv.URL+"/api/docs/v26.0.0/roles.html")
	if strings.ReplaceAll(cur, "/api/docs/current/", "/api/docs/v26.0.0/") != v26 {
		t.Fatal("current is not the same content as v26.0.0")
	}
}

// TestAliasPaths: a path that is an alias of another (versions.md 4) has
// the pages of its shape version under its own name, and every page links
// every served path in its version switcher.
func TestAliasPaths(t *testing.T) {
	srv, _ := MustOpenDocs(t)
	for alias, base := range map[string]string{"v25.04.2": "v25.04.0", "v25.10.3": "v25.10.0", "v25.10.5": "v25.10.0"} {
		for _, page := range []string{"", "roles.html", "methods/api_key.query.html"} {
			code, got, _ := fetch(t, srv.URL+"/api/docs/"+alias+"/"+page)
			_, want, _ := fetch(t, srv.URL+"/api/docs/"+base+"/"+page)
			if code != 200 {
				t.Fatalf("%s/%s: %d", alias, page, code)
			}
			// Only the names of the paths differ, and the switcher, which
			// marks another entry as the one shown.
			norm := func(s, p string) string {
				before, rest, _ := strings.Cut(s, `<nav aria-label="Versions">`)
				_, after, _ := strings.Cut(rest, "</nav>")
				return strings.ReplaceAll(before+after, p, "X")
			}
			if norm(got, alias) != norm(want, base) {
				t.Errorf("%s/%s differs from %s beyond its name", alias, page, base)
			}
			if !strings.Contains(got, `aria-current="page" href="/api/docs/`+alias+`/`) {
				t.Errorf("%s/%s: the switcher does not mark it", alias, page)
			}
			for _, p := range keyward.Paths {
				if !strings.Contains(got, `href="/api/docs/`+string(p)+`/`+page+`"`) {
					t.Errorf("%s/%s: the switcher lacks %s", alias, page, p)
				}
			}
		}
	}
}

func TestDownload(t *testing.T) {
	srv, reg := MustOpenDocs(t)
	code, page, h := fetch(t, srv.URL+"/api/docs/v25.10.0/keyward-v25.10.0-docs.html")
	if code != 200 || h.Get("Content-Disposition") != `attachment; filename="keyward-v25.10.0-docs.html"` {
		t.Fatalf("%d %q", code, h.Get("Content-Disposition"))
	}
	if strings.Contains(page, `rel="stylesheet"`) || strings.Contains(page, "<script") {
		t.Fatal("the download is not self-contained")
	}
	for _, s := range reg.Specs(keyward.V25_10) {
		if !strings.Contains(page, `id="methods-`+s.Name+`"`) {
			t.Fatalf("download lacks %s", s.Name)
		}
	}
}

// TestOpenRPC validates each version's document against the OpenRPC 1.3
// meta-schema and checks it lists exactly the registry's methods.
func TestOpenRPC(t *testing.T) {
	srv, reg := MustOpenDocs(t)
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	for url, file := range map[string]string{
		"https://meta.open-rpc.org/":      "testdata/openrpc-meta-schema.json",
		"https://meta.json-schema.tools/": "testdata/json-schema-tools-meta-schema.json",
		"https://meta.json-schema.tools":  "testdata/json-schema-tools-meta-schema.json", // referenced without the slash too
	} {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		// Both declare "$schema": "https://meta.json-schema.tools/", a
		// draft-07 dialect the validator does not know by that name.
		delete(doc.(map[string]any), "$schema")
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
	}
	meta, err := c.Compile("https://meta.open-rpc.org/")
	if err != nil {
		t.Fatalf("compile the meta-schema: %v", err)
	}
	for _, v := range keyward.Paths {
		_, body, _ := fetch(t, srv.URL+"/api/docs/"+string(v)+"/openrpc.json")
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resolveServerURL(t, doc, srv.URL+"/api/docs/"+string(v)+"/openrpc.json")
		if err := meta.Validate(doc); err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		var parsed struct {
			Info struct {
				Version string `json:"version"`
			} `json:"info"`
			Servers []struct {
				URL string `json:"url"`
			} `json:"servers"`
			Methods []struct {
				Name   string `json:"name"`
				Params []struct {
					Schema any `json:"schema"`
				} `json:"params"`
			} `json:"methods"`
		}
		_ = json.Unmarshal([]byte(body), &parsed)
		if parsed.Info.Version != string(v) || len(parsed.Servers) != 1 || parsed.Servers[0].URL != "/api/"+string(v) {
			t.Fatalf("%s: the document names %q at %v", v, parsed.Info.Version, parsed.Servers)
		}
		specs := reg.Specs(v.Version())
		if len(parsed.Methods) != len(specs) {
			t.Fatalf("%s: %d methods, registry has %d", v, len(parsed.Methods), len(specs))
		}
		for i, s := range specs {
			m := parsed.Methods[i]
			if m.Name != s.Name || len(m.Params) != len(s.Params) {
				t.Fatalf("%s: method %d is %s, registry %s", v, i, m.Name, s.Name)
			}
			for j, p := range s.Params {
				if jsonText(m.Params[j].Schema) != jsonText(schema.FieldJSON(p)) {
					t.Fatalf("%s %s: param %s schema differs", v, s.Name, p.Name)
				}
			}
		}
	}
}

// resolveServerURL checks that the document names its server by a URL
// relative to where it is served (so no request header can change it) and
// resolves it against that place, as the OpenRPC specification tells a
// client to: the meta-schema's "uri" format wants an absolute one.
func resolveServerURL(t *testing.T, doc any, docURL string) {
	t.Helper()
	server := doc.(map[string]any)["servers"].([]any)[0].(map[string]any)
	rel, _ := server["url"].(string)
	base, err := url.Parse(docURL)
	if err != nil || !strings.HasPrefix(rel, "/api/") {
		t.Fatalf("server url %q is not relative to %s", rel, docURL)
	}
	ref, err := url.Parse(rel)
	if err != nil {
		t.Fatal(err)
	}
	server["url"] = base.ResolveReference(ref).String()
}

func jsonText(v any) string { b, _ := json.Marshal(v); return string(b) }

// TestStyleAllowedByCSP finds the inlined style sheet of each kind of page
// allowed by its SHA-256 in the page's Content-Security-Policy.
func TestStyleAllowedByCSP(t *testing.T) {
	srv, _ := MustOpenDocs(t)
	for _, path := range []string{"", "roles.html", "methods/core.ping.html", "keyward-v26.0.0-docs.html"} {
		_, page, h := fetch(t, srv.URL+"/api/docs/current/"+path)
		_, rest, ok := strings.Cut(page, "<style>")
		style, _, ok2 := strings.Cut(rest, "</style>")
		if !ok || !ok2 || strings.Count(page, "<style") != 1 {
			t.Fatalf("%s: not one <style> element", path)
		}
		sum := sha256.Sum256([]byte(style))
		want := "style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "';"
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, want) {
			t.Fatalf("%s: CSP %q does not allow the style sheet (%s)", path, csp, want)
		}
	}
}

// TestTextEscaped registers a method whose texts hold markup and finds
// them escaped on the index and the method's page.
func TestTextEscaped(t *testing.T) {
	m := &rpc.Method{Name: "test.markup", Summary: `<b>bold</b> & "quoted"`, Description: `<script>alert(1)</script>`,
		Result: schema.String(), Access: rpc.NeedLogin, Handler: func(context.Context, *rpc.Call) (any, error) { return "", nil }}
	srv, _ := MustOpenDocs(t, m)
	_, index, _ := fetch(t, srv.URL+"/api/docs/current/")
	_, page, _ := fetch(t, srv.URL+"/api/docs/current/methods/test.markup.html")
	if strings.Contains(index, "<b>bold") || !strings.Contains(index, "&lt;b&gt;bold&lt;/b&gt; &amp; &#34;quoted&#34;") {
		t.Fatal("the summary is not escaped on the index")
	}
	if strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatal("the description is not escaped on the method's page")
	}
}
