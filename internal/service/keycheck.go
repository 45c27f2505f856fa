package service

import (
	"context"
	"time"
)

// verifyKey checks a key's secret against its hash, counts the check and
// returns how long it took. The caller records the time only if the login
// then succeeds (Observer.KeyCheckTime).
func (s *Service) verifyKey(ctx context.Context, hash, secret string) (match, rehash bool, took time.Duration) {
	start := time.Now()
	match, rehash = s.cfg.Verifier.Verify(ctx, hash, secret)
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
