// Package web serves Keyward's browser interface: plain HTML, CSS and
// JavaScript modules embedded in the binary, no build step, talking to the
// server only through the JSON-RPC API over one WebSocket.
package web

import (
	"embed"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var static embed.FS

// Handler serves the assets under /assets/ and the application page for
// every other path, so that client-side routes (/signin,
// /credentials/users/api-keys, ...) load the app.
func Handler() http.Handler {
	assets, err := fs.Sub(static, "static")
	if err != nil {
		panic(err)
	}
	index, err := fs.ReadFile(assets, "index.html")
	if err != nil {
		panic(err)
	}
	files := http.StripPrefix("/assets/", filesOnly(assets))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// WebSockets live only under /api/<version>: there is no legacy
		// /websocket endpoint, so an upgrade anywhere else is not found.
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			http.NotFound(w, r)
			return
		}
		setHeaders(w.Header())
		if strings.HasPrefix(r.URL.Path, "/assets/") {
			files.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(index)
	})
}

// setHeaders forbids framing and any resource from elsewhere: the app
// loads nothing but its own files and talks only to its own WebSocket.
func setHeaders(h http.Header) {
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "+
		"style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
}

// filesOnly serves the files of fsys and answers 404 for anything else:
// unlike http.FileServer it lists no directory, serves no index.html for
// one and redirects nothing.
func filesOnly(fsys fs.FS) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Path
		if name == "" || strings.HasSuffix(name, "/") || !fs.ValidPath(name) || path.Clean(name) != name {
			http.NotFound(w, r)
			return
		}
		f, err := fsys.Open(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		info, err := f.Stat()
		content, seekable := f.(io.ReadSeeker)
		if err != nil || info.IsDir() || !seekable {
			http.NotFound(w, r)
			return
		}
		// Embedded files have no modification time, so none is sent;
		// Cache-Control: no-cache (set by the caller) makes browsers ask again.
		http.ServeContent(w, r, info.Name(), time.Time{}, content)
	})
}
