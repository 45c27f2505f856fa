package scram

import (
	"crypto/hmac"
	"crypto/sha256"
	"strconv"
)

// standInLabel starts the HMAC input of a stand-in salt.
const standInLabel = "keyward scram stand-in"

// StandIn returns the verifier a client-first for name and key id gets
// when no real verifier may answer it (no such user or key, another
// user's key, a revoked key, a key without a SCRAM verifier; scram.md 9.7
// step 3): the salt is the first 16 bytes of HMAC-SHA256(pepper,
// "keyward scram stand-in" ‖ 0x00 ‖ name ‖ ":" ‖ id), so the same pair
// always shows the same salt, and iterations is the configured count. It
// has no keys, so no proof verifies against it.
func StandIn(pepper []byte, name string, keyID int64, iterations int) Verifier {
	m := hmac.New(sha256.New, pepper)
	m.Write([]byte(standInLabel))
	m.Write([]byte{0})
	m.Write([]byte(name + ":" + strconv.FormatInt(keyID, 10)))
	return Verifier{Iterations: iterations, Salt: m.Sum(nil)[:SaltLen]}
}
