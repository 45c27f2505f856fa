package httpserver

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
)

// Config holds what the HTTP server needs.
type Config struct {
	RPC     *rpc.Server
	Logger  *slog.Logger
	Proxies Proxies
	// AllowedOrigins are the browser origins, besides the server's own,
	// whose pages may open WebSockets (allowed_origins).
	AllowedOrigins []string
	// Ready reports whether the node may serve (/readyz); its error is
	// the reason shown, so it must say nothing more than an operator's
	// load balancer may see.
	Ready func(ctx context.Context) error
	// UI serves the web interface for every other GET.
	UI http.Handler
	// Docs serves /api/docs.
	Docs http.Handler
	// Metrics serves GET /metrics; nil answers 404 there (metrics on a
	// listener of their own, see NewMetrics).
	Metrics http.Handler
}

// Server is Keyward's HTTP front.
type Server struct {
	cfg     Config
	origins browserOrigins
	mux     *http.ServeMux
	http    *http.Server
	// bindings are the SCRAM channel bindings (SetBindings).
	bindings Bindings
}

// New returns a server with every route installed.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux()}
	s.origins = newBrowserOrigins(cfg.AllowedOrigins, cfg.Proxies, cfg.Logger)
	s.mux.HandleFunc("GET /api/versions", s.versions)
	s.mux.HandleFunc("GET /api/{version}", s.websocket)
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { writeText(w, http.StatusOK, "ok") })
	s.mux.HandleFunc("GET /readyz", s.ready)
	s.mux.Handle("GET /api/", http.NotFoundHandler())
	if cfg.Docs != nil {
		s.mux.Handle("GET /api/docs", cfg.Docs)
		s.mux.Handle("GET /api/docs/", cfg.Docs)
	}
	// Without a handler (metrics on a listener of their own) /metrics is
	// not found here, rather than the web interface's page.
	metrics := http.NotFoundHandler()
	if cfg.Metrics != nil {
		metrics = localOnly(cfg.Metrics, cfg.Proxies)
	}
	s.mux.Handle("GET /metrics", metrics)
	if cfg.UI != nil {
		s.mux.Handle("GET /", cfg.UI)
	}
	s.http = newHTTPServer(strictTransport(s.mux), cfg.Logger)
	return s
}

// localOnly serves h to clients on this host only: loopback and the unix
// socket, the client address decided as protocol.md 1.2 says (so the
// clients of a reverse proxy in trusted_proxies are not local). Others get
// 404, as if there were no such page: metrics tell about logins and keys,
// and remote scrapers use metrics_listen.
func localOnly(h http.Handler, proxies Proxies) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := clientOrigin(r, proxies)
		// The Host check keeps a page of another site, whose name was
		// re-pointed at this host (DNS rebinding), from reading metrics
		// through a browser on this host.
		local := o.Unix || o.Addr.Addr().IsLoopback() && (r.TLS != nil || localName(hostOnly(r.Host)))
		if !local {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// hostOnly is a Host header without its port.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

// hstsMaxAge is a year, the value browsers' preload rules also ask for;
// without includeSubDomains, the setting covers this host name only.
const hstsMaxAge = "max-age=31536000"

// strictTransport adds Strict-Transport-Security to every answer sent over
// Keyward's own TLS listener. On plain HTTP a browser ignores it; behind a
// reverse proxy that terminates TLS, the proxy sends its own.
func strictTransport(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
			w.Header().Set("Strict-Transport-Security", hstsMaxAge)
		}
		h.ServeHTTP(w, r)
	})
}

// NewMetrics returns a server of GET /metrics alone, for a listener of its
// own; every other path answers 404.
func NewMetrics(metrics http.Handler, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: Config{Logger: log, Metrics: metrics}, mux: http.NewServeMux()}
	s.mux.Handle("GET /metrics", metrics)
	s.http = newHTTPServer(s.mux, log)
	return s
}

// newHTTPServer sets every timeout.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// Handler returns the server's routes (for tests and extra listeners).
func (s *Server) Handler() http.Handler { return s.mux }

// Serve accepts connections on l until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	err := s.http.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting, closes WebSocket connections with 1001 and
// waits for requests in progress until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.cfg.RPC != nil {
		s.cfg.RPC.Shutdown()
	}
	return s.http.Shutdown(ctx)
}

// versions answers GET /api/versions: every served path, ascending,
// without "current" (as TrueNAS does).
func (s *Server) versions(w http.ResponseWriter, _ *http.Request) {
	names := make([]string, len(keyward.Paths))
	for i, p := range keyward.Paths {
		names[i] = string(p)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(names)
}

func (s *Server) websocket(w http.ResponseWriter, r *http.Request) {
	p, ok := keyward.ParsePath(r.PathValue("version"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		writeText(w, http.StatusBadRequest, "WebSocket upgrade required")
		return
	}
	guest := s.admit(w, r)
	if guest == nil {
		return
	}
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		// Keyward checked the Origin above, through trusted proxies; the
		// library's own check compares it with the Host header only.
		InsecureSkipVerify: true,
		CompressionMode:    websocket.CompressionDisabled,
	})
	if err != nil {
		guest.Release()
		return
	}
	// Keyward applies its own message limits with its own close reasons.
	ws.SetReadLimit(-1)
	// The connection is hijacked: serve it on a goroutine of its own and
	// let net/http's finish, so an idle connection does not keep the
	// request, the response and a deep stack alive.
	go func() {
		defer ws.CloseNow()
		s.cfg.RPC.Serve(ws, p.Version(), guest)
	}()
}

// admit applies the checks made before an upgrade (protocol.md 1.1): the
// browser Origin, then the cap on connections not logged in per client
// address. It answers 403 or 429 and returns nil when one fails.
func (s *Server) admit(w http.ResponseWriter, r *http.Request) *rpc.Guest {
	origin := clientOrigin(r, s.cfg.Proxies)
	origin.Binding = s.binding(r, origin)
	if ok, from, own := s.origins.allow(r); !ok {
		s.cfg.Logger.Warn("websocket origin refused", "origin", clip(from), "server_origin", clip(own),
			"client", origin.String(), "path", r.URL.Path)
		writeText(w, http.StatusForbidden, "Origin not allowed")
		return nil
	}
	guest := s.cfg.RPC.Admit(origin)
	if guest == nil {
		s.cfg.Logger.Debug("too many connections not logged in", "client", origin.String())
		writeText(w, http.StatusTooManyRequests, "Too many connections not logged in")
	}
	return guest
}

func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready(r.Context()); err != nil {
			writeText(w, http.StatusServiceUnavailable, "not ready: "+err.Error())
			return
		}
	}
	writeText(w, http.StatusOK, "ok")
}

func writeText(w http.ResponseWriter, code int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(text))
}
