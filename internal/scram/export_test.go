package scram

import "time"

// BeginWithNonce is Begin with a fixed server nonce: only tests can fix it
// (the test vectors of scram.md 2.8).
func BeginWithNonce(cf ClientFirst, binding []byte, v Verifier, now time.Time, serverNonce []byte) (*Exchange, error) {
	return begin(cf, binding, v, now, serverNonce)
}
