package docs

import (
	"fmt"
	"strings"

	"github.com/keyward/keyward"
)

// page is one documentation page being written.
type page struct {
	v      keyward.Version
	label  string // the version as it appears in the URL ("current" or "v25.10.0")
	single bool   // part of the one-file download: links are anchors
	b      strings.Builder
}

// link returns the address of another page of the same version: a URL, or
// an anchor in the single-file download.
func (p *page) link(name string) string {
	if p.single && name != "openrpc.json" {
		return "#" + anchor(name)
	}
	return "/api/docs/" + p.label + "/" + name
}

// anchor is the id a page's section has in the single-file download.
func anchor(name string) string {
	if name == "" {
		return "index"
	}
	return strings.NewReplacer("/", "-", ".html", "").Replace(name)
}

func (p *page) printf(format string, args ...any) { fmt.Fprintf(&p.b, format, args...) }

// raw writes HTML as is.
func (p *page) raw(html string) { p.b.WriteString(html) }

// text writes escaped text.
func (p *page) text(s string) { p.b.WriteString(esc(s)) }

// el writes <tag>text</tag> with the text escaped.
func (p *page) el(tag, text string) { p.printf("<%s>%s</%s>", tag, esc(text), tag) }

// a writes a link to another page.
func (p *page) a(name, text string) { p.printf(`<a href="%s">%s</a>`, esc(p.link(name)), esc(text)) }

// code writes a <pre> block of JSON or text.
func (p *page) code(s string) { p.printf(`<pre class="json">%s</pre>`, esc(s)) }

// table writes a table with a header row and escaped cells.
func (p *page) table(head []string, rows [][]string) {
	p.raw(`<table><thead><tr>`)
	for _, h := range head {
		p.printf(`<th scope="col">%s</th>`, esc(h))
	}
	p.raw(`</tr></thead><tbody>`)
	for _, r := range rows {
		p.raw("<tr>")
		for _, c := range r {
			p.printf("<td>%s</td>", esc(c))
		}
		p.raw("</tr>")
	}
	p.raw(`</tbody></table>`)
}

// pages names every page of a version but the methods' and the download.
var pages = []struct{ name, title string }{
	{"jsonrpc.html", "JSON-RPC protocol"},
	{"query_methods.html", "Query methods"},
	{"authentication.html", "Authentication"},
	{"roles.html", "Roles"},
	{"api_events.html", "Events"},
}

const style = `
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b2330;background:#f6f8fa}
header.top{background:#123456;color:#fff;padding:.6rem 1.25rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
header.top a{color:#fff}header.top .brand{font-weight:600;font-size:1.15rem;text-decoration:none}
nav.sections{padding:.5rem 1.25rem;background:#e6edf5;display:flex;flex-wrap:wrap;gap:1rem}
main{max-width:1100px;margin:0 auto;padding:1.25rem;background:#fff}
h1{font-size:1.6rem;margin:.2rem 0 .8rem}h2{font-size:1.25rem;margin-top:1.8rem;border-bottom:1px solid #d6dde5}
h3{font-size:1.05rem;margin-top:1.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #cfd6df;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#eef2f6}code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
pre.json{background:#f3f5f8;border:1px solid #d6dde5;padding:.6rem;overflow:auto;white-space:pre-wrap;word-break:break-word}
a{color:#0b5cad}.access{font-weight:600}.current{font-weight:700}
.tryit{border:1px solid #cfd6df;padding:1rem;border-radius:6px;background:#f8fafc}
.tryit label{display:block;font-weight:600;margin-top:.5rem}.tryit input,.tryit textarea{width:100%;box-sizing:border-box;font:inherit;padding:.4rem;border:1px solid #8a96a6;border-radius:4px}
.tryit textarea{font-family:ui-monospace,monospace;min-height:6rem}.tryit button{margin-top:.6rem;font:inherit;font-weight:600;padding:.45rem .9rem;border-radius:6px;border:1px solid #0b5cad;background:#0b5cad;color:#fff;cursor:pointer}
:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
section.page{border-top:3px solid #123456;margin-top:2rem}`

// frame wraps a page body in the document: header with the version
// switcher and the OpenRPC link, section links, and the Try it script on
// method pages.
func frame(p *page, title, path, body string, script bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`+
		`<title>%s - Keyward API %s</title><style>%s</style></head><body>`, esc(title), esc(string(p.v)), style)
	fmt.Fprintf(&b, `<header class="top"><a class="brand" href="%s">Keyward API</a><span>%s</span><nav aria-label="Versions">`,
		esc(p.link("")), esc(string(p.v)))
	for i, v := range keyward.Versions {
		if i > 0 {
			b.WriteString(" | ")
		}
		label := string(v)
		if v == keyward.Current {
			label += " (current)"
		}
		cls := ""
		if v == p.v {
			cls = ` class="current" aria-current="page"`
		}
		fmt.Fprintf(&b, `<a%s href="/api/docs/%s/%s">%s</a>`, cls, esc(string(v)), esc(path), esc(label))
	}
	fmt.Fprintf(&b, `</nav><a href="%s">OpenRPC document</a></header>`, esc(p.link("openrpc.json")))
	b.WriteString(`<nav class="sections" aria-label="Sections">`)
	fmt.Fprintf(&b, `<a href="%s">Methods</a>`, esc(p.link("")))
	for _, pg := range pages {
		fmt.Fprintf(&b, `<a href="%s">%s</a>`, esc(p.link(pg.name)), esc(pg.title))
	}
	fmt.Fprintf(&b, `</nav><main>%s</main>`, body)
	if script {
		b.WriteString(`<script type="module" src="/assets/js/docs.js"></script>`)
	}
	b.WriteString(`</body></html>`)
	return b.String()
}
