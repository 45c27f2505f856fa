// Package web serves Keyward's browser interface: plain HTML, CSS and
// JavaScript modules embedded in the binary, no build step, talking to the
// server only through the JSON-RPC API over one WebSocket.
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
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
	files := http.StripPrefix("/assets/", http.FileServerFS(assets))
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
