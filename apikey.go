package keyward

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// APIKey is a user-linked API key as stored: never the secret, only its
// keyed hash.
type APIKey struct {
	ID     int64
	Name   string
	UserID int64
	Hash   string
	// SCRAM is the key's sealed SCRAM-SHA-512 verifier
	// (`$scram-sha512$<iterations>$<salt>$<pepper-id>$<sealed>`), "" when it
	// has none (scram.md 9.2).
	SCRAM     string
	CreatedAt time.Time
	ExpiresAt *time.Time // nil: never expires
	Revoked   bool
	// RevokedReason is "" unless Revoked.
	RevokedReason string
	RevokedAt     time.Time
	// SecretGen changes with every reset, so sessions opened with an older
	// secret can tell.
	SecretGen int64
}

// SCRAMPepperID returns the pepper id a sealed SCRAM verifier
// `$scram-sha512$<iterations>$<salt>$<pepper-id>$<sealed>` was sealed with,
// or "" when s has another form.
func SCRAMPepperID(s string) string {
	f := strings.Split(s, "$")
	if len(f) != 6 || f[0] != "" || f[1] != "scram-sha512" {
		return ""
	}
	return f[4]
}

// KeyPeppers returns the pepper ids a key's keyed hash and sealed SCRAM
// verifier need, each once: "" stands for a hash that needs none (an
// imported PBKDF2 hash, a SCRAM-only keyhash).
func KeyPeppers(hash, sealed string) []string {
	h := ""
	if rest, ok := strings.CutPrefix(hash, "$hmac-sha256$"); ok {
		h, _, _ = strings.Cut(rest, "$")
	}
	out := []string{h}
	if s := SCRAMPepperID(sealed); s != "" && s != h {
		out = append(out, s)
	}
	return out
}

// SCRAMParams returns the iteration count and base64 salt of a sealed SCRAM
// verifier (0 and "" when s is empty or has another form): they are not
// secret, and the stores keep them apart for queries.
func SCRAMParams(s string) (iterations int, salt string) {
	f := strings.Split(s, "$")
	if len(f) != 6 || f[0] != "" || f[1] != "scram-sha512" {
		return 0, ""
	}
	n, err := strconv.Atoi(f[2])
	if err != nil || n <= 0 {
		return 0, ""
	}
	return n, f[3]
}

// Expired reports whether the key's expiry has passed at now.
func (k *APIKey) Expired(now time.Time) bool {
	return k.ExpiresAt != nil && now.After(*k.ExpiresAt)
}

// Revocation reasons.
const (
	ReasonInsecureTransport = "Attempt to use over an insecure transport"
	ReasonUnknown           = "Unknown reason"
)

// KeyView says how key entries look to a caller: what its roles hide, and
// which verifier fields its API version shows. (Every other difference
// between versions is the API layer's business.)
type KeyView struct {
	Redact bool // keyhash and a SCRAM salt shown as "********"
	// SCRAM shows entries as v26.0.0 does: iterations, salt, stored_key
	// and server_key instead of keyhash (scram.md 9.5).
	SCRAM bool
}

// InsecureUse is a refused use of a key over an insecure transport.
type InsecureUse struct {
	KeyID       int64
	Name        string
	Address     string
	First, Last time.Time
}

// KeyTx reads and changes keys inside one write transaction.
type KeyTx interface {
	Find(ctx context.Context, id int64) (*APIKey, error) // nil when missing
	NameTaken(ctx context.Context, name string, except int64) (bool, error)
	Create(ctx context.Context, k *APIKey) error // a zero k.ID takes the next id
	// NextID takes the id the next key gets (for what is sealed under its
	// id before it is created); Create with it uses it.
	NextID(ctx context.Context) (int64, error)
	// IDUsed reports whether id is or ever was a key's id: ids are never
	// given out twice.
	IDUsed(ctx context.Context, id int64) (bool, error)
	Update(ctx context.Context, k *APIKey) error
	Delete(ctx context.Context, id int64) error
	RecordInsecureUse(ctx context.Context, id int64, address string, at time.Time) error
	ClearInsecureUse(ctx context.Context, id int64) error
}
