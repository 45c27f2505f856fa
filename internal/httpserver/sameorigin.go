package httpserver

import (
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// browserOrigins decides which web pages may open a WebSocket
// (protocol.md 1.1). Keyward uses no cookies, but a page of another site
// opened in a browser on the server's own host would connect from
// loopback, which is trusted: it could run first-run setup or guess
// passwords without a rate limit. Clients that are not browsers send no
// Origin and are let through.
type browserOrigins struct {
	allowed map[string]bool // canonical forms of allowed_origins
	proxies Proxies
}

func newBrowserOrigins(allowed []string, proxies Proxies, log *slog.Logger) browserOrigins {
	b := browserOrigins{allowed: map[string]bool{}, proxies: proxies}
	for _, o := range allowed {
		c, ok := canonicalOrigin(o)
		if !ok {
			// The configuration refuses these; a caller that did not
			// validate loses only the bad entry.
			log.Warn("allowed_origins: not an origin, ignored", "origin", o)
			continue
		}
		b.allowed[c] = true
	}
	return b
}

// allow reports whether the upgrade request r may proceed: no Origin
// header, the server's own origin as the browser saw it, or one of
// allowed_origins. It also returns the Origin and the server's own origin,
// for the log line of a refusal.
func (b browserOrigins) allow(r *http.Request) (ok bool, origin, own string) {
	values := r.Header.Values("Origin")
	if len(values) == 0 || (len(values) == 1 && values[0] == "") {
		return true, "", ""
	}
	origin = values[0]
	own, _ = canonicalOrigin(b.serverOrigin(r))
	if len(values) > 1 {
		return false, strings.Join(values, ", "), own
	}
	c, valid := canonicalOrigin(origin)
	if !valid {
		return false, origin, own
	}
	if b.allowed[c] {
		return true, origin, own
	}
	return c == own && authentic(own), origin, own
}

// authentic reports whether a browser can only have seen this server
// under origin o: the page came over https (a certificate names the
// host), or the host is an IP address or localhost. A plain-http origin
// with another name proves nothing: a page of attacker.example whose name
// the attacker re-points at this server (DNS rebinding) sends Host and
// Origin both naming attacker.example. Such names must be listed in
// allowed_origins.
func authentic(o string) bool {
	u, err := url.Parse(o)
	if err != nil {
		return false
	}
	return u.Scheme == "https" || localName(u.Hostname())
}

// localName reports whether a host name can only mean this machine or a
// literal address: an IP address, localhost or a name under .localhost.
func localName(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if _, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return true
	}
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}

// serverOrigin is the server's origin as the browser saw it: the scheme of
// the connection and the Host header, or the last X-Forwarded-Proto and
// X-Forwarded-Host when a trusted proxy sends them. A peer on the unix
// socket counts as a trusted proxy here: no browser reaches a unix socket
// directly, only through a local proxy allowed to open it.
func (b browserOrigins) serverOrigin(r *http.Request) string {
	scheme, host := "http", r.Host
	if r.TLS != nil {
		scheme = "https"
	}
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil || b.proxies.trusted(peer.Addr()) {
		if p := lastValue(r.Header.Values("X-Forwarded-Proto")); p != "" {
			scheme = p
		}
		if h := lastValue(r.Header.Values("X-Forwarded-Host")); h != "" {
			host = h
		}
	}
	return scheme + "://" + host
}

// defaultPorts are the ports an origin leaves out.
var defaultPorts = map[string]string{"http": "80", "https": "443", "ws": "80", "wss": "443"}

// canonicalOrigin returns s as "scheme://host:port", lower case, with the
// scheme's default port written out, or false when s is not an origin
// (scheme and host, nothing else; "null" is not one).
func canonicalOrigin(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Hostname() == "" || u.User != nil || u.Opaque != "" ||
		u.Path != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	port := u.Port()
	if port == "" {
		port = defaultPorts[scheme]
	}
	if port == "" {
		return scheme + "://" + host, true // e.g. an extension's origin
	}
	return scheme + "://" + net.JoinHostPort(host, port), true
}

// clip shortens a header value for a log line.
func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
