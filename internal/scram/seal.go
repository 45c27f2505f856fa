package scram

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/keyward/keyward/internal/keys"
)

// SealedPrefix starts every sealed verifier (scram.md 9.2).
const SealedPrefix = "$scram-sha512$"

// sealInfo is the HKDF info of the sealing key.
const sealInfo = "keyward scram-sha512 v1"

const gcmNonceLen = 12

// Errors of Open.
var (
	// ErrUnknownPepper is a verifier sealed with a pepper the server was
	// not given.
	ErrUnknownPepper = errors.New("scram: verifier sealed with an unknown pepper")
	// ErrSealed is a sealed verifier that is malformed or does not open
	// (another key id, count or salt than it was sealed for, or another
	// pepper under the same id).
	ErrSealed = errors.New("scram: sealed verifier does not open")
)

// Seal returns the stored form of v for key keyID under pepper p:
// `$scram-sha512$<iterations>$<b64 salt>$<pepper-id>$<b64 sealed>` where
// sealed = 12-byte random nonce ‖ AES-256-GCM(StoredKey ‖ ServerKey) with
// AAD `<key id>:<iterations>:<b64 salt>` and the key HKDF-SHA256(pepper,
// no salt, "keyward scram-sha512 v1"). The database alone can then neither
// impersonate the server nor recover a ClientKey from a recorded exchange.
func Seal(keyID int64, v Verifier, p keys.Pepper) string {
	salt := base64.StdEncoding.EncodeToString(v.Salt)
	aead := sealer(p.Key)
	nonce := make([]byte, gcmNonceLen, gcmNonceLen+2*KeyLen+aead.Overhead())
	_, _ = rand.Read(nonce) // never fails (crypto/rand of Go 1.24+)
	plain := append(append(make([]byte, 0, 2*KeyLen), v.StoredKey...), v.ServerKey...)
	sealed := aead.Seal(nonce, nonce, plain, aad(keyID, v.Iterations, salt))
	return SealedPrefix + strconv.Itoa(v.Iterations) + "$" + salt + "$" + p.ID + "$" +
		base64.StdEncoding.EncodeToString(sealed)
}

// Open reads a sealed verifier of key keyID with the pepper it names, and
// returns that pepper's id: when it is not the current pepper's, the
// caller reseals after the key's next successful login (scram.md 9.2).
func Open(keyID int64, s string, peppers keys.Peppers) (v Verifier, pepperID string, err error) {
	f := strings.Split(s, "$")
	if len(f) != 6 || f[0] != "" || "$"+f[1]+"$" != SealedPrefix {
		return Verifier{}, "", fmt.Errorf("%w: not a %s string", ErrSealed, SealedPrefix)
	}
	iter, err := strconv.Atoi(f[2])
	if err != nil || strconv.Itoa(iter) != f[2] {
		return Verifier{}, "", fmt.Errorf("%w: iteration count %q", ErrSealed, f[2])
	}
	salt, err1 := base64.StdEncoding.Strict().DecodeString(f[3])
	sealed, err2 := base64.StdEncoding.Strict().DecodeString(f[5])
	if err1 != nil || err2 != nil || len(sealed) < gcmNonceLen {
		return Verifier{}, "", fmt.Errorf("%w: bad base64", ErrSealed)
	}
	if err := checkParams(salt, iter); err != nil {
		return Verifier{}, "", fmt.Errorf("%w: %w", ErrSealed, err)
	}
	p, ok := peppers.Find(f[4])
	if !ok {
		return Verifier{}, "", fmt.Errorf("%w %q", ErrUnknownPepper, f[4])
	}
	plain, err := sealer(p.Key).Open(nil, sealed[:gcmNonceLen], sealed[gcmNonceLen:], aad(keyID, iter, f[3]))
	if err != nil || len(plain) != 2*KeyLen {
		return Verifier{}, "", ErrSealed
	}
	return Verifier{Iterations: iter, Salt: salt, StoredKey: plain[:KeyLen:KeyLen], ServerKey: plain[KeyLen:]}, p.ID, nil
}

func aad(keyID int64, iterations int, b64Salt string) []byte {
	return []byte(strconv.FormatInt(keyID, 10) + ":" + strconv.Itoa(iterations) + ":" + b64Salt)
}

// sealer returns AES-256-GCM under the key derived from the pepper.
func sealer(pepper []byte) cipher.AEAD {
	key, err := hkdf.Key(sha256.New, pepper, nil, sealInfo, 32)
	if err != nil {
		panic("scram: hkdf: " + err.Error()) // only for lengths out of range
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		panic("scram: aes: " + err.Error()) // only for a key not 16/24/32 bytes
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic("scram: gcm: " + err.Error())
	}
	return aead
}
