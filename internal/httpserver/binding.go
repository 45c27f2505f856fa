package httpserver

import (
	"net/http"

	"github.com/keyward/keyward"
)

// Bindings are the SCRAM channel bindings (tls-server-end-point,
// scram.md 9.8) the server hands to connections: TLS for those accepted
// on Keyward's own TLS listener, Proxy for those a trusted proxy reports
// as https (scram_binding_cert). Nil means none.
type Bindings struct {
	TLS, Proxy []byte
}

// SetBindings sets the channel bindings of the connections accepted from
// now on. Call it before Serve: the certificates are loaded when the
// listeners open, after the server is built.
func (s *Server) SetBindings(b Bindings) { s.bindings = b }

// binding returns the channel binding of a request whose origin is o: the
// own listener's for TLS, the proxy's for a trusted proxy reporting https
// (o.Secure without TLS on a non-loopback, non-unix peer), else none.
func (s *Server) binding(r *http.Request, o keyward.Origin) string {
	switch {
	case o.Unix:
		return ""
	case r.TLS != nil:
		return string(s.bindings.TLS)
	case o.Secure && s.cfg.Proxies.fromProxy(r):
		return string(s.bindings.Proxy)
	}
	return ""
}
