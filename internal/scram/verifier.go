package scram

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha512"
	"crypto/subtle"
	"errors"
	"fmt"

	"github.com/keyward/keyward/internal/keys"
)

// Limits of the exchange (scram.md 2.4, 8 and 9.2).
const (
	// MinIterations and MaxIterations bound the PBKDF2 count the official
	// clients accept in a server-first.
	MinIterations = 50_000
	MaxIterations = 5_000_000
	// SaltLen is the length of the salts Keyward makes.
	SaltLen = 16
	// MaxSaltLen is the longest salt the clients accept.
	MaxSaltLen = 1024
	// KeyLen is the length of SaltedPassword, ClientKey, StoredKey,
	// ServerKey, proofs and signatures (SHA-512).
	KeyLen = sha512.Size
)

// Verifier is what the server keeps of a key for SCRAM: never the secret,
// SaltedPassword or ClientKey.
type Verifier struct {
	Iterations int
	Salt       []byte
	StoredKey  []byte // SHA-512(ClientKey)
	ServerKey  []byte // HMAC-SHA512(SaltedPassword, "Server Key")
}

// ErrIterations is a PBKDF2 count outside MinIterations..MaxIterations.
var ErrIterations = fmt.Errorf("scram: iteration count outside [%d, %d]", MinIterations, MaxIterations)

// errSalt is a salt that is empty or longer than the clients accept.
var errSalt = fmt.Errorf("scram: salt must be 1-%d bytes", MaxSaltLen)

// NewVerifier makes the verifier of a key's secret (the 64 characters after
// the raw key's first '-') with a new 16-byte random salt, and returns the
// ClientKey too (create and reset results show it once).
func NewVerifier(secret string, iterations int) (v Verifier, clientKey []byte, err error) {
	salt := make([]byte, SaltLen)
	_, _ = rand.Read(salt) // never fails (crypto/rand of Go 1.24+)
	return Derive(secret, salt, iterations)
}

// Derive computes the verifier and ClientKey of secret with a given salt
// and count: api_key.convert_raw_key uses the key's own, and a plain login
// against a SCRAM verifier compares the ServerKey (see Verifier.Check).
func Derive(secret string, salt []byte, iterations int) (v Verifier, clientKey []byte, err error) {
	if err := checkParams(salt, iterations); err != nil {
		return Verifier{}, nil, err
	}
	salted, err := pbkdf2.Key(sha512.New, secret, salt, iterations, KeyLen)
	if err != nil {
		return Verifier{}, nil, fmt.Errorf("scram: pbkdf2: %w", err)
	}
	return fromSalted(salt, iterations, salted)
}

// FromSaltedPassword makes the verifier from a SaltedPassword, the hash of
// a TrueNAS 25.x `$pbkdf2-sha512$` keyhash (scram.md 5.6, 9.9).
func FromSaltedPassword(salt []byte, iterations int, salted []byte) (Verifier, error) {
	if err := checkParams(salt, iterations); err != nil {
		return Verifier{}, err
	}
	if len(salted) != KeyLen {
		return Verifier{}, fmt.Errorf("scram: SaltedPassword is %d bytes, want %d", len(salted), KeyLen)
	}
	v, _, err := fromSalted(salt, iterations, salted)
	return v, err
}

// ParsePBKDF2 reads a TrueNAS 25.x keyhash
// `$pbkdf2-sha512$<iterations>$<base64 salt>$<base64 hash>` (standard
// base64 as TrueNAS writes it; passlib's "." for "+" and missing padding
// are accepted too) with 300,000-1,000,000 iterations and a 64-byte hash,
// and returns its SCRAM verifier. The salt is the decoded bytes, as
// TrueNAS's 26.0 migration keeps it.
func ParsePBKDF2(hash string) (Verifier, error) {
	iter, salt, sum, ok := keys.ParsePBKDF2(hash)
	if !ok {
		return Verifier{}, errors.New("scram: not a $pbkdf2-sha512$ hash with 300000-1000000 iterations")
	}
	return FromSaltedPassword(salt, iter, sum)
}

// Check reports in constant time whether secret is the key's, by deriving
// the ServerKey with the verifier's salt and count (one PBKDF2, as
// TrueNAS 26 checks API_KEY_PLAIN; scram.md 5.5).
func (v Verifier) Check(secret string) bool {
	got, _, err := Derive(secret, v.Salt, v.Iterations)
	return err == nil && len(v.ServerKey) == KeyLen && subtle.ConstantTimeCompare(got.ServerKey, v.ServerKey) == 1
}

func checkParams(salt []byte, iterations int) error {
	if iterations < MinIterations || iterations > MaxIterations {
		return ErrIterations
	}
	if len(salt) == 0 || len(salt) > MaxSaltLen {
		return errSalt
	}
	return nil
}

// fromSalted derives ClientKey, StoredKey and ServerKey (scram.md 2.5).
func fromSalted(salt []byte, iterations int, salted []byte) (Verifier, []byte, error) {
	clientKey := hmacSHA512(salted, "Client Key")
	stored := sha512.Sum512(clientKey)
	v := Verifier{
		Iterations: iterations,
		Salt:       append([]byte(nil), salt...),
		StoredKey:  stored[:],
		ServerKey:  hmacSHA512(salted, "Server Key"),
	}
	return v, clientKey, nil
}

func hmacSHA512(key []byte, msg string) []byte {
	m := hmac.New(sha512.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}
