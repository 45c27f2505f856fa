package docs

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html/template"
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
		path, ok := keyward.ParsePath(label)
		if !ok {
			http.NotFound(w, r)
			return
		}
		body, ctype, err := render(reg, set, &page{Version: path.Version(), Path: path, Label: label}, name)
		if err != nil {
			// Only a bug of this package's templates gets here; the
			// package's tests render every page of every version.
			http.Error(w, "Internal Server Error", http.StatusInternalServerError)
			return
		}
		if body == nil {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if name == downloadName(path) {
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		}
		_, _ = w.Write(body)
	})
}

// csp allows the pages' one style sheet, inlined, by its hash, and no
// other inline style or script. The hash is taken from the embedded file
// the pages inline, so the two cannot drift apart.
var csp = func() string {
	sum := sha256.Sum256([]byte(style))
	return "default-src 'self'; connect-src 'self' ws: wss:; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
}()

// render returns one page of a version and its content type, or a nil
// body for an unknown page.
func render(reg *rpc.Registry, set Settings, p *page, name string) ([]byte, string, error) {
	if name == "openrpc.json" {
		b, err := json.MarshalIndent(OpenRPC(reg, p.Path), "", "  ")
		return b, "application/json", err
	}
	if name == downloadName(p.Path) {
		p = &page{Version: p.Version, Path: p.Path, Label: p.Label, Single: true}
	}
	body, title, script, err := pageBody(reg, set, p, name)
	if err != nil || title == "" {
		return nil, "", err
	}
	out, err := frame(p, title, name, body, script)
	return out, "text/html; charset=utf-8", err
}

// pageBody renders the body of an HTML page and returns its title (""
// for an unknown page) and whether it needs the Try it script.
func pageBody(reg *rpc.Registry, set Settings, p *page, name string) (template.HTML, string, bool, error) {
	switch {
	case name == "":
		body, err := execute("index", indexData(p, reg))
		return body, "Methods", false, err
	case name == downloadName(p.Path):
		body, err := single(reg, set, p)
		return body, "All pages", false, err
	case strings.HasPrefix(name, "methods/") && strings.HasSuffix(name, ".html"):
		s := reg.Spec(p.Version, strings.TrimSuffix(strings.TrimPrefix(name, "methods/"), ".html"))
		if s == nil {
			return "", "", false, nil
		}
		body, err := execute("method", methodData(p, s, true))
		return body, s.Name, true, err
	}
	for _, g := range guides {
		if g.Name == name {
			body, err := execute(g.Name, guideData(p, reg, set, name))
			return body, g.Title, false, err
		}
	}
	return "", "", false, nil
}

// single renders every page of a version into one self-contained file
// (inline CSS, anchors for links, no script); p is the download's page.
func single(reg *rpc.Registry, set Settings, p *page) (template.HTML, error) {
	index, err := execute("index", indexData(p, reg))
	if err != nil {
		return "", err
	}
	sections := []section{{ID: anchor(""), Body: index}}
	for _, g := range guides {
		body, err := execute(g.Name, guideData(p, reg, set, g.Name))
		if err != nil {
			return "", err
		}
		sections = append(sections, section{ID: anchor(g.Name), Body: body})
	}
	for _, s := range reg.Specs(p.Version) {
		body, err := execute("method", methodData(p, s, false))
		if err != nil {
			return "", err
		}
		sections = append(sections, section{Body: body})
	}
	return execute("single", sections)
}
