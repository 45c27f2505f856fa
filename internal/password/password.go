// Package password hashes and verifies passwords with argon2id, stored as
// PHC strings ($argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>) that carry
// their own parameters, and bounds how many verifications run at once.
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultParams is the argon2 setting's default, m=19456,t=2,p=1.
var DefaultParams = Params{Memory: 19456, Time: 2, Threads: 1}

// String formats p as the argon2 setting is written.
func (p Params) String() string {
	return fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads)
}

// ParseParams reads "m=19456,t=2,p=1".
func ParseParams(s string) (Params, error) {
	var p Params
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil || n == 0 {
			return Params{}, fmt.Errorf("%q is not m=<KiB>,t=<passes>,p=<threads>", s)
		}
		switch k {
		case "m":
			p.Memory = uint32(n)
		case "t":
			p.Time = uint32(n)
		case "p":
			if n > 255 {
				return Params{}, fmt.Errorf("p=%d: at most 255 threads", n)
			}
			p.Threads = uint8(n)
		default:
			return Params{}, fmt.Errorf("unknown argon2 parameter %q", k)
		}
	}
	if p.Memory < 8*uint32(p.Threads) || p.Time == 0 || p.Threads == 0 {
		return Params{}, fmt.Errorf("%q: m, t and p are all required, m >= 8*p", s)
	}
	return p, nil
}

const (
	saltLen = 16
	keyLen  = 32
)

var b64 = base64.RawStdEncoding

// Hasher hashes and verifies passwords; at most as many verifications as
// the machine has CPUs run at once (accounts.md 9).
type Hasher struct {
	params Params
	slots  chan struct{}
	dummy  string
}

// NewHasher returns a hasher making new hashes with p.
func NewHasher(p Params) *Hasher {
	h := &Hasher{params: p, slots: make(chan struct{}, runtime.NumCPU())}
	h.dummy = h.hash([]byte("keyward dummy password"))
	return h
}

// Slots returns the semaphore bounding CPU-heavy verifications, shared with
// other slow hashes (imported PBKDF2 API keys).
func (h *Hasher) Slots() chan struct{} { return h.slots }

// Hash returns the PHC string of password with a fresh random salt.
func (h *Hasher) Hash(password string) string { return h.hash([]byte(password)) }

func (h *Hasher) hash(password []byte) string {
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt)
	key := argon2.IDKey(password, salt, h.params.Time, h.params.Memory, h.params.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$%s$%s$%s", argon2.Version, h.params, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Verify reports whether password matches the PHC string encoded, and
// whether the hash should be replaced because its parameters are not the
// current ones. An empty encoded hash is checked against a dummy hash so
// the time taken does not reveal that the account has no password.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (ok, rehash bool, err error) {
	if encoded == "" {
		_, _, _ = h.Verify(ctx, password, h.dummy)
		return false, false, nil
	}
	p, salt, want, err := parse(encoded)
	if err != nil {
		return false, false, err
	}
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		return false, false, ctx.Err()
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	<-h.slots
	ok = subtle.ConstantTimeCompare(got, want) == 1
	return ok, ok && p != h.params, nil
}

var errFormat = errors.New("password: not an argon2id hash")

func parse(encoded string) (Params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return Params{}, nil, nil, errFormat
	}
	p, err := ParseParams(parts[3])
	if err != nil {
		return Params{}, nil, nil, fmt.Errorf("password: %w", err)
	}
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 {
		return Params{}, nil, nil, errFormat
	}
	return p, salt, key, nil
}
