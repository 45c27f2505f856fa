package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"time"

	"github.com/keyward/keyward"
)

// Tokens in a cluster (cluster.md 3): the node that makes a token keeps it
// in memory as on one node, and also in the shared token table, so that
// it logs in on any node and a single-use token logs in once in the whole
// cluster. Another node rebuilds the generating session from the table
// (tokenParent) and checks it against its own accounts and keys.

// tokenWait bounds the token table writes made while a session ends.
const tokenWait = 2 * time.Second

// tokenParent is what the token table keeps of the generating session:
// the session and, for a token session, the first of its chain.
func tokenParent(sess *keyward.Session) keyward.TokenParent {
	p := keyward.TokenParent{LoginID: sess.LoginID, UserID: sess.UserID, UserStamp: sess.UserStamp,
		Username: sess.Username, Credential: sess.Credential, LoginAt: sess.LoginAt,
		APIKeyID: sess.APIKeyID, APIKeyName: sess.APIKeyName, APIKeyGen: sess.APIKeyGen}
	if sess.Parent != nil {
		root := tokenParent(sess.Root())
		p.Parent = &root
	}
	return p
}

// standIn is the generating session of a token made on another node, as
// this node sees it: never ended here (ending it there deletes its tokens
// from the table).
func standIn(p keyward.TokenParent) *keyward.Session {
	sess := &keyward.Session{LoginID: p.LoginID, UserID: p.UserID, UserStamp: p.UserStamp, Username: p.Username,
		Credential: p.Credential, LoginAt: p.LoginAt, APIKeyID: p.APIKeyID, APIKeyName: p.APIKeyName,
		APIKeyGen: p.APIKeyGen}
	if p.Parent != nil {
		sess.Parent = standIn(*p.Parent)
	}
	return sess
}

// shareToken writes a token just made into the token table.
func (s *Service) shareToken(ctx context.Context, id [sha256.Size]byte, t *token) error {
	if s.cfg.Tokens == nil {
		return nil
	}
	return s.cfg.Tokens.PutToken(ctx, keyward.TokenRecord{Digest: id, Node: s.instance, Parent: tokenParent(t.parent), TTL: t.ttl,
		LastUsed: t.lastUsed, MatchOrigin: t.matchOrigin, OriginIP: t.origin.IP(), OriginUnix: t.origin.Unix,
		SingleUse: t.singleUse, Attrs: t.attrs, Epoch: t.epoch})
}

// sharedToken looks a token up in the token table: one made on another
// node (nil if there is none, or on one node).
func (s *Service) sharedToken(ctx context.Context, id [sha256.Size]byte) *token {
	if s.cfg.Tokens == nil {
		return nil
	}
	rec, err := s.cfg.Tokens.TakeToken(ctx, id, false, s.now())
	if err != nil {
		s.log.Warn("read token table", "error", err)
		return nil
	}
	if rec == nil || rec.Node == s.instance {
		return nil // a token this process made and no longer holds is gone
	}
	origin := keyward.Origin{Unix: rec.OriginUnix}
	if a, err := netip.ParseAddr(rec.OriginIP); err == nil {
		origin.Addr = netip.AddrPortFrom(a, 0)
	}
	return &token{parent: standIn(rec.Parent), ttl: rec.TTL, lastUsed: rec.LastUsed, matchOrigin: rec.MatchOrigin,
		origin: origin, singleUse: rec.SingleUse, attrs: rec.Attrs, epoch: rec.Epoch, shared: true}
}

// consumeToken takes a token for a login: in a cluster, a single-use
// token or one made on another node is taken from the table first (one
// statement: only one login in the cluster gets a single-use token), then
// a token made here from this node's memory.
func (s *Service) consumeToken(ctx context.Context, id [sha256.Size]byte, t *token) bool {
	if s.cfg.Tokens != nil && (t.shared || t.singleUse) {
		rec, err := s.cfg.Tokens.TakeToken(ctx, id, true, s.now())
		if err != nil {
			s.log.Warn("take token", "error", err)
		}
		if err != nil || rec == nil {
			return false
		}
	}
	return t.shared || s.tokens.take(id, true) != nil
}

// tokensGone deletes from the table the tokens this node removed from its
// memory (expired, dropped, ended with their session or their user), so
// no other node takes them either.
func (s *Service) tokensGone(ids [][sha256.Size]byte) {
	ctx, cancel := context.WithTimeout(context.Background(), tokenWait)
	defer cancel()
	if err := s.cfg.Tokens.DeleteTokens(ctx, ids); err != nil {
		s.log.Warn("delete tokens", "error", err)
	}
}

// unshareToken destroys a token made on another node (a session that
// logged in with it ended here, accounts.md 12.1): it leaves the table at
// once, so no other node takes it, and a change tells the node that made
// it to forget it (applied there within revocation_max_lag, like any
// change). The change is not waited for: this may run on the goroutine
// that applies changes.
func (s *Service) unshareToken(id [sha256.Size]byte) {
	if s.cfg.Tokens == nil {
		return
	}
	s.tokensGone([][sha256.Size]byte{id})
	if s.cfg.Log == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), tokenWait)
	defer cancel()
	if err := s.cfg.Log.AppendSessionEnd(ctx, tokenGone+hex.EncodeToString(id[:])); err != nil {
		s.log.Warn("tell the cluster a token is gone", "error", err)
	}
}

// tokenGone starts a session change that destroys a token, named by the
// hex of its digest, on the node that holds it in memory.
const tokenGone = "#"

// applyTokenGone destroys the token a tokenGone change names, if this node
// holds it.
func (s *Service) applyTokenGone(hexDigest string) {
	var id [sha256.Size]byte
	if b, err := hex.DecodeString(hexDigest); err == nil && len(b) == len(id) {
		copy(id[:], b)
		s.tokens.remove(id)
	}
}

// purgeTokens deletes the table's tokens past their TTL.
func (s *Service) purgeTokens(ctx context.Context) {
	if s.cfg.Tokens == nil {
		return
	}
	if err := s.cfg.Tokens.PurgeTokens(ctx, s.now()); err != nil && ctx.Err() == nil {
		s.log.Warn("purge tokens", "error", err)
	}
}
