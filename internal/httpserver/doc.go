// Package httpserver serves Keyward over HTTP: the versioned WebSocket
// endpoints, /api/versions, health checks, /metrics (here or on a listener
// of its own), the built-in docs and the web UI. It decides each
// connection's origin and secure transport.
package httpserver
