package keys

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"strconv"
	"strings"
)

// HMACPrefix starts every keyed hash Keyward writes.
const HMACPrefix = "$hmac-sha256$"

// Hash returns "$hmac-sha256$<pepper id>$<base64 of HMAC-SHA256(pepper, secret)>".
func Hash(p Pepper, secret string) string {
	return HMACPrefix + p.ID + "$" + base64.StdEncoding.EncodeToString(mac(p.Key, secret))
}

func mac(key []byte, secret string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(secret))
	return h.Sum(nil)
}

// Verifier checks secrets against stored hashes.
type Verifier struct {
	Peppers Peppers
	// Slots bounds concurrent PBKDF2 verifications (shared with password
	// hashing); nil means no bound.
	Slots chan struct{}
	macs  map[string]*keyedMAC // by pepper id
	dummy *keyedMAC
}

// NewVerifier returns a verifier for the peppers.
func NewVerifier(ps Peppers, slots chan struct{}) *Verifier {
	v := &Verifier{Peppers: ps, Slots: slots, macs: map[string]*keyedMAC{}, dummy: newKeyedMAC(make([]byte, 32))}
	for _, p := range ps {
		v.macs[p.ID] = newKeyedMAC(p.Key)
	}
	return v
}

// Dummy computes one HMAC and discards it, so that a refusal before the
// secret is checked costs what checking it would.
func (v *Verifier) Dummy(secret string) {
	var out [44]byte
	v.dummy.sum(secret, &out)
	_ = subtle.ConstantTimeCompare(out[:], out[:])
}

// Verify reports whether secret matches hash, and whether the hash should
// be replaced by one made with the current pepper (an older pepper or an
// imported PBKDF2 hash). Unknown formats never verify.
func (v *Verifier) Verify(ctx context.Context, hash, secret string) (ok, rehash bool) {
	if rest, found := strings.CutPrefix(hash, HMACPrefix); found {
		id, want, _ := strings.Cut(rest, "$")
		m, known := v.macs[id]
		if !known {
			v.Dummy(secret)
			return false, false
		}
		// Compare the base64 texts in constant time: equal texts are
		// equal MACs, and nothing needs decoding.
		var got [44]byte
		m.sum(secret, &got)
		ok = subtle.ConstantTimeCompare(got[:], []byte(want)) == 1
		return ok, ok && id != v.Peppers.Current().ID
	}
	if strings.HasPrefix(hash, PBKDF2Prefix) {
		ok = v.verifyPBKDF2(ctx, hash, secret)
		return ok, ok
	}
	v.Dummy(secret)
	return false, false
}

// PBKDF2Prefix starts the TrueNAS hashes Keyward imports.
const PBKDF2Prefix = "$pbkdf2-sha512$"

// Accepted PBKDF2 iteration counts.
const (
	MinIterations = 300_000
	MaxIterations = 1_000_000
)

// ParsePBKDF2 reads "$pbkdf2-sha512$<iter>$<b64 salt>$<b64 hash>".
func ParsePBKDF2(hash string) (iter int, salt, sum []byte, ok bool) {
	parts := strings.Split(hash, "$")
	if len(parts) != 5 || parts[0] != "" || parts[1] != "pbkdf2-sha512" {
		return 0, nil, nil, false
	}
	iter, err := strconv.Atoi(parts[2])
	if err != nil || iter < MinIterations || iter > MaxIterations {
		return 0, nil, nil, false
	}
	salt, err1 := decodeB64(parts[3])
	sum, err2 := decodeB64(parts[4])
	if err1 != nil || err2 != nil || len(sum) == 0 {
		return 0, nil, nil, false
	}
	return iter, salt, sum, true
}

// decodeB64 accepts standard base64 with or without padding (and passlib's
// "." for "+").
func decodeB64(s string) ([]byte, error) {
	s = strings.ReplaceAll(s, ".", "+")
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}

func (v *Verifier) verifyPBKDF2(ctx context.Context, hash, secret string) bool {
	iter, salt, want, ok := ParsePBKDF2(hash)
	if !ok {
		v.Dummy(secret)
		return false
	}
	if v.Slots != nil {
		select {
		case v.Slots <- struct{}{}:
			defer func() { <-v.Slots }()
		case <-ctx.Done():
			return false
		}
	}
	got, err := pbkdf2.Key(sha512.New, secret, salt, iter, len(want))
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}

// HashPBKDF2 makes a TrueNAS-style hash (used by tests and benchmarks to
// build imports as TrueNAS would).
func HashPBKDF2(secret string, salt []byte, iter int) string {
	sum, _ := pbkdf2.Key(sha512.New, secret, salt, iter, 64)
	return PBKDF2Prefix + strconv.Itoa(iter) + "$" + base64.StdEncoding.EncodeToString(salt) + "$" +
		base64.StdEncoding.EncodeToString(sum)
}
