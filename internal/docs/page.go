package docs

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"strings"

	"github.com/keyward/keyward"
)

// The pages are html/template templates, one file per page kind; each file
// defines its templates by name ("frame", "method", "roles.html"...).
//
//go:embed templates/*.html
var templateFiles embed.FS

var templates = template.Must(template.New("docs").ParseFS(templateFiles, "templates/*.html"))

// style is the pages' one style sheet, inlined into each page and allowed
// by its hash in the CSP (handler.go computes the hash from it).
//
//go:embed static/docs.css
var style string

// page is the page being rendered: which path and its shape version, how
// its URL names it, and whether links are anchors of the single-file
// download.
type page struct {
	Version keyward.Version // the shape the path serves
	Path    keyward.Path    // the path shown ("v25.10.3"; CurrentPath for "current")
	Label   string          // the path as it appears in the URL ("current" or "v25.10.3")
	Single  bool            // part of the one-file download: links are anchors
}

// Link returns the address of another page of the same version: a URL, or
// an anchor in the single-file download.
func (p *page) Link(name string) string {
	if p.Single && name != "openrpc.json" {
		return "#" + anchor(name)
	}
	return "/api/docs/" + p.Label + "/" + name
}

// MethodLink returns the address of a method's page.
func (p *page) MethodLink(method string) string { return p.Link(methodPath(method)) }

// methodPath is a method page's name within its version.
func methodPath(method string) string { return "methods/" + method + ".html" }

// anchor is the id a page's section has in the single-file download.
func anchor(name string) string {
	if name == "" {
		return "index"
	}
	return strings.NewReplacer("/", "-", ".html", "").Replace(name)
}

// guide names a page of a version that is not a method's.
type guide struct{ Name, Title string }

// guides names every page of a version but the index, the methods' and the
// download.
var guides = []guide{
	{"jsonrpc.html", "JSON-RPC protocol"},
	{"query_methods.html", "Query methods"},
	{"authentication.html", "Authentication"},
	{"roles.html", "Roles"},
	{"api_events.html", "Events"},
}

// table is a table with a header row, for the "table" template.
type table struct {
	Head []string
	Rows [][]string
}

// section is one page of the single-file download.
type section struct {
	ID   string // empty for method pages, whose heading has the id
	Body template.HTML
}

// versionLink is one entry of the version switcher.
type versionLink struct {
	Path    keyward.Path
	Text    string
	Current bool // the path being shown
}

// frameView is the data of the "frame" template.
type frameView struct {
	Page     *page
	Title    string
	Path     string // this page's name, kept when switching versions
	Style    template.CSS
	Versions []versionLink
	Guides   []guide
	Body     template.HTML
	Script   bool // load docs.js, the Try it panel's script
}

// execute renders one template of the set.
func execute(name string, data any) (template.HTML, error) {
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("docs: render %s: %w", name, err)
	}
	// html/template escaped every value the template inserted.
	return template.HTML(b.String()), nil
}

// frame wraps a page body in the document: header with the version
// switcher and the OpenRPC link, section links, and the Try it script on
// method pages.
func frame(p *page, title, path string, body template.HTML, script bool) ([]byte, error) {
	versions := make([]versionLink, len(keyward.Paths))
	for i, path := range keyward.Paths {
		text := string(path)
		if path == keyward.CurrentPath {
			text += " (current)"
		}
		versions[i] = versionLink{Path: path, Text: text, Current: path == p.Path}
	}
	// The style sheet is our own embedded file, so it is trusted as CSS.
	out, err := execute("frame", frameView{Page: p, Title: title, Path: path,
		Style: template.CSS(style), Versions: versions, Guides: guides, Body: body, Script: script})
	return []byte(out), err
}
