// Package httpserver serves Keyward over HTTP: the versioned WebSocket
// endpoints, /api/versions, health checks, and (later) the built-in docs and
// the web UI. It decides each connection's origin and secure transport.
package httpserver
