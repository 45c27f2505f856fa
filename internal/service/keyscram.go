package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/scram"
)

// SCRAMCredential is a key's SCRAM material as a create, a reset or
// api_key.convert_raw_key shows it to the caller, who holds the raw key
// anyway (scram.md 9.4, 9.6): with ClientKey, a client logs in without
// the raw key.
type SCRAMCredential struct {
	KeyID      int64
	Iterations int
	Salt       []byte
	ClientKey  []byte
	StoredKey  []byte
	ServerKey  []byte
}

// Issued is a key as api_key.create or a reset left it, with what exists
// nowhere else: the raw key and its SCRAM credential (both empty when the
// secret did not change).
type Issued struct {
	Key   *keyward.APIKey
	Raw   string
	SCRAM *SCRAMCredential
}

// scramIterations is the PBKDF2 count of the verifiers made now.
func (s *Service) scramIterations() int {
	return max(s.cfg.SCRAMIterations, scram.MinIterations)
}

// inSlot runs fn, a PBKDF2, in the CPU-bounded verification pool shared
// with password hashing (accounts.md 9).
func (s *Service) inSlot(ctx context.Context, fn func()) error {
	if slots := s.cfg.Verifier.Slots; slots != nil {
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	fn()
	return nil
}

// deriveSCRAM makes a verifier for secret: with a new salt and the
// current count (salt nil), or with a key's own salt and count.
func (s *Service) deriveSCRAM(ctx context.Context, secret string, salt []byte, iterations int) (v scram.Verifier, cred *SCRAMCredential, err error) {
	var clientKey []byte
	run := func() {
		if salt == nil {
			v, clientKey, err = scram.NewVerifier(secret, s.scramIterations())
		} else {
			v, clientKey, err = scram.Derive(secret, salt, iterations)
		}
	}
	if serr := s.inSlot(ctx, run); serr != nil {
		return v, nil, serr
	}
	if err != nil {
		return v, nil, err
	}
	return v, &SCRAMCredential{Iterations: v.Iterations, Salt: v.Salt, ClientKey: clientKey,
		StoredKey: v.StoredKey, ServerKey: v.ServerKey}, nil
}

// seal seals a verifier of key id under the current pepper.
func (s *Service) seal(id int64, v scram.Verifier) string {
	return scram.Seal(id, v, s.cfg.Verifier.Peppers.Current())
}

// openSCRAM opens a key's sealed verifier; stale reports that it was
// sealed with an older pepper and should be sealed again.
func (s *Service) openSCRAM(k *keyward.APIKey) (v scram.Verifier, stale bool, err error) {
	v, pepper, err := scram.Open(k.ID, k.SCRAM, s.cfg.Verifier.Peppers)
	if err != nil {
		return v, false, err
	}
	return v, pepper != s.cfg.Verifier.Peppers.Current().ID, nil
}

// scramHashPrefix starts the keyhash of a key whose only verifier is its
// SCRAM one (an import from TrueNAS): `$scram-sha512$<iterations>$<salt>`,
// no secret material (scram.md 9.9).
const scramHashPrefix = scram.SealedPrefix

// scramOnly reports whether a key's plain logins are checked against its
// SCRAM verifier (it has no keyed hash yet).
func scramOnly(k *keyward.APIKey) bool { return strings.HasPrefix(k.Hash, scramHashPrefix) }

// scramOnlyHash is the keyhash of a key whose only verifier is the sealed
// one.
func scramOnlyHash(sealed string) string {
	iters, salt := keyward.SCRAMParams(sealed)
	return scramHashPrefix + strconv.Itoa(iters) + "$" + salt
}

// scramOutdated reports whether a key that just logged in with its secret
// needs a SCRAM verifier (it has none: made before SCRAM support) or one
// sealed with the current pepper (scram.md 9.2, 9.9).
func (s *Service) scramOutdated(k *keyward.APIKey) bool {
	return k.SCRAM == "" || keyward.SCRAMPepperID(k.SCRAM) != s.cfg.Verifier.Peppers.Current().ID
}

// upgradeKey brings a key that just logged in with secret up to date:
// a keyed hash with the current pepper instead of an imported or older one
// (rehash), a SCRAM verifier made from the verified secret if it has none,
// a verifier sealed with an older pepper sealed again. An imported key's
// verifier is kept (precomputed key files made on TrueNAS keep working).
// The write runs to its end under a context the client cannot cancel; a
// key changed meanwhile is left as it is.
func (s *Service) upgradeKey(ctx context.Context, k *keyward.APIKey, secret string, rehash bool) *keyward.APIKey {
	wctx := context.WithoutCancel(ctx)
	up := *k
	if rehash {
		up.Hash = keys.Hash(s.cfg.Verifier.Peppers.Current(), secret)
	}
	switch v, stale, err := s.openSCRAM(k); {
	case k.SCRAM == "":
		nv, _, err := s.deriveSCRAM(wctx, secret, nil, 0)
		if err != nil {
			s.log.Error("make SCRAM verifier", "key_id", k.ID, "error", err)
			return k
		}
		up.SCRAM = s.seal(k.ID, nv)
	case err != nil:
		s.log.Error("open SCRAM verifier", "key_id", k.ID, "error", err)
	case stale:
		up.SCRAM = s.seal(k.ID, v)
	}
	if up.Hash == k.Hash && up.SCRAM == k.SCRAM {
		return k
	}
	updated := false
	err := s.writeKeys(wctx, func(tx keyward.KeyTx) error {
		cur, err := tx.Find(wctx, k.ID)
		if err != nil || cur == nil || cur.SecretGen != k.SecretGen || cur.Hash != k.Hash || cur.SCRAM != k.SCRAM {
			return err // changed meanwhile: keep what is there
		}
		next := *cur
		next.Hash, next.SCRAM = up.Hash, up.SCRAM
		up, updated = next, true
		return tx.Update(wctx, &up)
	})
	if err != nil || !updated {
		if err != nil {
			s.log.Error("update key verifiers", "key_id", k.ID, "error", err)
		}
		return k
	}
	return &up
}

// The texts of api_key.convert_raw_key's refusals (scram.md 5.4, 9.6),
// at attribute api_key_convert_raw_key.
const (
	MsgNotRawKey     = "Not a valid raw API key"
	MsgInvalidKeyID  = "Invalid key id"
	MsgKeySize       = "Unexpected key size."
	MsgKeyMissing    = "Key does not exist."
	MsgKeyRevoked    = "Key is revoked."
	MsgKeyInvalid    = "Invalid API key."
	convertAttribute = "api_key_convert_raw_key"
)

// ConvertRawKey runs api_key.convert_raw_key: the SCRAM credential of a
// raw key, with the key's own salt and count, for a precomputed key file
// (scram.md 9.6). Unlike TrueNAS the secret must be the key's (difference
// S5). A key without a verifier gets one now, made from the verified
// secret (a changed event). Expired keys are converted. Not audited.
func (s *Service) ConvertRawKey(ctx context.Context, raw string) (*SCRAMCredential, error) {
	raw = strings.TrimSpace(raw)
	idText, secret, found := strings.Cut(raw, "-")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !found || err != nil {
		return nil, keyward.Invalid(convertAttribute, MsgNotRawKey)
	}
	v := &keyward.ValidationError{}
	if id <= 0 {
		v.Add(convertAttribute, MsgInvalidKeyID)
	}
	if len(secret) != keys.SecretLen {
		v.Add(convertAttribute, MsgKeySize)
	}
	var k *keyward.APIKey
	if id > 0 {
		if k, err = s.cfg.Keys.FindKey(ctx, id); err != nil {
			return nil, err
		}
		switch {
		case k == nil:
			v.Add(convertAttribute, MsgKeyMissing)
		case k.Revoked:
			v.Add(convertAttribute, MsgKeyRevoked)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if match, _, _ := s.verifyKey(ctx, k, secret); !match {
		return nil, keyward.Invalid(convertAttribute, MsgKeyInvalid)
	}
	if k.SCRAM == "" {
		if k = s.upgradeKey(ctx, k, secret, false); k.SCRAM == "" {
			return nil, fmt.Errorf("convert key %d: no SCRAM verifier could be made", id)
		}
	}
	own, _, err := s.openSCRAM(k)
	if err != nil {
		return nil, fmt.Errorf("convert key %d: %w", id, err)
	}
	_, cred, err := s.deriveSCRAM(ctx, secret, own.Salt, own.Iterations)
	if err != nil {
		return nil, err
	}
	cred.KeyID = id
	return cred, nil
}
