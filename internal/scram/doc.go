// Package scram is the server side of SCRAM-SHA-512 API-key logins
// (RFC 5802 with SHA-512, as TrueNAS 26 speaks it; scram.md sections 2 and
// 9): verifiers made from a key's secret or imported from TrueNAS, their
// sealed storage form, the parsing of client messages, the server's
// messages, proof verification and tls-server-end-point channel binding.
//
// It does no I/O and knows nothing of sessions or stores: the caller keeps
// one *Exchange per connection between the two steps, selects the verifier
// (or a stand-in) and maps the Error values to answers and audit texts.
package scram
