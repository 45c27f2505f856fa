// Package rpc is Keyward's JSON-RPC 2.0 engine over WebSocket: message
// checks in the protocol's order, frame and concurrency limits, the method
// registry and per-call dispatch (version, session, authentication,
// authorization, params, execution, result shaping), the mapping of domain
// errors to the wire, the rate limit and the event hub.
package rpc
