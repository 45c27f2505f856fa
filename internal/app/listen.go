package app

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/keyward/keyward/internal/httpserver"
)

// Listeners are the open listeners: plain HTTP, and TLS, the unix socket
// and the metrics listener when configured.
type Listeners struct {
	Plain, TLS, Unix net.Listener
	// Metrics serves /metrics alone (metrics_listen).
	Metrics net.Listener
}

// Listen opens the configured listeners.
func (a *App) Listen() (*Listeners, error) {
	ls := &Listeners{}
	if err := a.listen(ls); err != nil {
		ls.Close()
		return nil, err
	}
	return ls, nil
}

func (a *App) listen(ls *Listeners) (err error) {
	if ls.Plain, err = net.Listen("tcp", a.cfg.Listen); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	var bindings httpserver.Bindings
	if bindings.Proxy, err = a.proxyBinding(); err != nil {
		return err
	}
	if a.cfg.TLSListen != "" {
		tc, binding, err := a.tlsConfig()
		if err != nil {
			return err
		}
		bindings.TLS = binding
		l, err := net.Listen("tcp", a.cfg.TLSListen)
		if err != nil {
			return fmt.Errorf("tls_listen: %w", err)
		}
		ls.TLS = tls.NewListener(l, tc)
	}
	a.http.SetBindings(bindings)
	if a.cfg.UnixSocket != "" {
		_ = os.Remove(a.cfg.UnixSocket)
		if ls.Unix, err = net.Listen("unix", a.cfg.UnixSocket); err != nil {
			return fmt.Errorf("unix_socket: %w", err)
		}
	}
	if a.cfg.MetricsListen != "" {
		if ls.Metrics, err = net.Listen("tcp", a.cfg.MetricsListen); err != nil {
			return fmt.Errorf("metrics_listen: %w", err)
		}
		a.log.Info("serving metrics", "addr", ls.Metrics.Addr().String())
	}
	return nil
}

// Close closes every listener.
func (ls *Listeners) Close() {
	for _, l := range []net.Listener{ls.Plain, ls.TLS, ls.Unix, ls.Metrics} {
		if l != nil {
			l.Close()
		}
	}
}

// Serve serves HTTP on every listener until Shutdown.
func (a *App) Serve(ls *Listeners) error {
	type serving struct {
		srv *httpserver.Server
		l   net.Listener
	}
	var all []serving
	for _, l := range []net.Listener{ls.Plain, ls.TLS, ls.Unix} {
		if l != nil {
			all = append(all, serving{a.http, l})
		}
	}
	if ls.Metrics != nil && a.metricsHTTP != nil {
		all = append(all, serving{a.metricsHTTP, ls.Metrics})
	}
	errc := make(chan error, len(all))
	for _, s := range all {
		go func() { errc <- s.srv.Serve(s.l) }()
	}
	var err error
	for range all {
		err = errors.Join(err, <-errc)
	}
	return err
}
