package httpserver

import (
	"net/http"
	"net/netip"
	"strings"

	"github.com/keyward/keyward"
)

// Proxies is the trusted_proxies setting: peers whose X-Forwarded-*
// headers are believed.
type Proxies []netip.Prefix

func (p Proxies) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, pfx := range p {
		if pfx.Contains(a) {
			return true
		}
	}
	return false
}

// fromProxy reports whether the request's peer is a trusted proxy.
func (p Proxies) fromProxy(r *http.Request) bool {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	return err == nil && p.trusted(peer.Addr())
}

// clientOrigin decides a request's origin and secure transport as
// protocol.md 1.2 says.
func clientOrigin(r *http.Request, proxies Proxies) keyward.Origin {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		// Not a TCP peer: the unix socket listener.
		return keyward.Origin{Unix: true, Secure: true}
	}
	peer = netip.AddrPortFrom(peer.Addr().Unmap(), peer.Port())
	o := keyward.Origin{Addr: peer}
	switch {
	case r.TLS != nil:
		o.Secure = true
	case proxies.trusted(peer.Addr()):
		o.Addr = forwardedFor(r, peer, proxies)
		o.Secure = lastValue(r.Header.Values("X-Forwarded-Proto")) == "https"
	default:
		o.Secure = peer.Addr().IsLoopback()
	}
	return o
}

// forwardedFor returns the right-most X-Forwarded-For address that is not
// itself a trusted proxy, or the peer when there is none.
func forwardedFor(r *http.Request, peer netip.AddrPort, proxies Proxies) netip.AddrPort {
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			if ap, err2 := netip.ParseAddrPort(strings.TrimSpace(hops[i])); err2 == nil {
				a = ap.Addr()
			} else {
				return peer
			}
		}
		if !proxies.trusted(a) {
			return netip.AddrPortFrom(a.Unmap(), peer.Port())
		}
	}
	return peer
}

func lastValue(values []string) string {
	if len(values) == 0 {
		return ""
	}
	parts := strings.Split(values[len(values)-1], ",")
	return strings.ToLower(strings.TrimSpace(parts[len(parts)-1]))
}
