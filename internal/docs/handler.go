package docs

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
)

// Handler serves /api/docs/<version>/... for the registry's methods.
// Pages are rendered on each request, so they always show the registry
// that is running.
func Handler(reg *rpc.Registry, set Settings) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		rest := strings.TrimPrefix(r.URL.Path, "/api/docs")
		rest = strings.TrimPrefix(rest, "/")
		if rest == "" {
			http.Redirect(w, r, "/api/docs/current/", http.StatusFound)
			return
		}
		label, name, _ := strings.Cut(rest, "/")
		v, ok := keyward.ParseVersion(label)
		if !ok {
			http.NotFound(w, r)
			return
		}
		body, ctype, ok := render(reg, set, v, label, name)
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if name == downloadName(v) {
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		}
		_, _ = w.Write(body)
	})
}

// csp allows the pages' one style sheet, inlined, by its hash, and no
// other inline style or script.
var csp = func() string {
	sum := sha256.Sum256([]byte(style))
	return "default-src 'self'; connect-src 'self' ws: wss:; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
}()

// render returns one page of a version, or false for an unknown one.
func render(reg *rpc.Registry, set Settings, v keyward.Version, label, name string) ([]byte, string, bool) {
	const html = "text/html; charset=utf-8"
	p := &page{v: v, label: label}
	switch {
	case name == "":
		indexPage(p, reg)
		return []byte(frame(p, "Methods", name, p.b.String(), false)), html, true
	case name == "openrpc.json":
		b, _ := json.MarshalIndent(OpenRPC(reg, v), "", "  ")
		return b, "application/json", true
	case name == downloadName(v):
		return []byte(single(reg, set, v, label)), html, true
	case strings.HasPrefix(name, "methods/") && strings.HasSuffix(name, ".html"):
		s := reg.Spec(v, strings.TrimSuffix(strings.TrimPrefix(name, "methods/"), ".html"))
		if s == nil {
			return nil, "", false
		}
		methodPage(p, s, true)
		return []byte(frame(p, s.Name, name, p.b.String(), true)), html, true
	}
	for _, pg := range pages {
		if pg.name == name {
			guide(p, reg, set, name)
			return []byte(frame(p, pg.title, name, p.b.String(), false)), html, true
		}
	}
	return nil, "", false
}

func guide(p *page, reg *rpc.Registry, set Settings, name string) {
	switch name {
	case "jsonrpc.html":
		protocolPage(p, set)
	case "query_methods.html":
		queryPage(p, reg)
	case "authentication.html":
		authPage(p, reg, set)
	case "roles.html":
		rolesPage(p, reg)
	case "api_events.html":
		eventsPage(p, reg)
	}
}

// single renders every page of a version into one self-contained file
// (inline CSS, anchors for links, no script).
func single(reg *rpc.Registry, set Settings, v keyward.Version, label string) string {
	p := &page{v: v, label: label, single: true}
	p.raw(`<section class="page" id="index">`)
	indexPage(p, reg)
	p.raw(`</section>`)
	for _, pg := range pages {
		p.printf(`<section class="page" id="%s">`, esc(anchor(pg.name)))
		guide(p, reg, set, pg.name)
		p.raw(`</section>`)
	}
	for _, s := range reg.Specs(v) {
		p.raw(`<section class="page">`)
		methodPage(p, s, false)
		p.raw(`</section>`)
	}
	return frame(p, "All pages", downloadName(v), p.b.String(), false)
}
