package service

import (
	"context"
	"time"

	"github.com/keyward/keyward"
)

// checkSCRAMOnly checks a secret against the SCRAM verifier of a key that
// has no keyed hash: one PBKDF2 with the key's salt and count, in the
// verification pool, compared with ServerKey (scram.md 5.5).
func (s *Service) checkSCRAMOnly(ctx context.Context, k *keyward.APIKey, secret string) bool {
	v, _, err := s.openSCRAM(k)
	if err != nil {
		s.log.Error("open SCRAM verifier", "key_id", k.ID, "error", err)
		s.cfg.Verifier.Dummy(secret)
		return false
	}
	ok := false
	if err := s.inSlot(ctx, func() { ok = v.Check(secret) }); err != nil {
		return false
	}
	return ok
}

// verifyKey checks a key's secret against its keyed hash, or against its
// SCRAM verifier when it has no keyed hash yet (an import, scram.md 9.9),
// counts the check and returns how long it took. rehash asks for a keyed
// hash with the current pepper. The caller records the time only if the
// login then succeeds (Observer.KeyCheckTime).
func (s *Service) verifyKey(ctx context.Context, k *keyward.APIKey, secret string) (match, rehash bool, took time.Duration) {
	start := time.Now()
	if scramOnly(k) {
		match = s.checkSCRAMOnly(ctx, k, secret)
		rehash = match
	} else {
		match, rehash = s.cfg.Verifier.Verify(ctx, k.Hash, secret)
	}
	took = time.Since(start)
	s.cfg.Observer.KeyChecked()
	return match, rehash, took
}

// dummyVerify computes the dummy HMAC of a refused key, counted like a
// real check.
func (s *Service) dummyVerify(text string) {
	s.cfg.Verifier.Dummy(text)
	s.cfg.Observer.KeyChecked()
}
