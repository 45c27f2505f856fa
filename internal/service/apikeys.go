package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/keys"
)

// KeyCreate is api_key_create.
type KeyCreate struct {
	Name      string     `json:"name"`
	Username  string     `json:"username"`
	ExpiresAt *time.Time `json:"expires_at"`
}

// KeyUpdate is api_key_update: absent fields stay unchanged.
type KeyUpdate struct {
	Name      keyward.Opt[string]     `json:"name"`
	ExpiresAt keyward.Opt[*time.Time] `json:"expires_at"`
	Reset     bool                    `json:"reset"`
}

// KeyIDsByUser returns the ids of each user's API keys, ascending.
func (s *Service) KeyIDsByUser(ctx context.Context) (map[int64][]int64, error) {
	return s.cfg.Keys.KeyIDsByUser(ctx)
}

// View returns how keys look to the caller: keyhash (and a SCRAM salt)
// redacted without API_KEY_WRITE (FULL_ADMIN includes it), the SCRAM
// fields instead of keyhash from v26.0.0 on. Commands run by the operator
// (no caller) see everything, with keyhash.
func View(c *keyward.Caller) keyward.KeyView {
	if c == nil {
		return keyward.KeyView{}
	}
	return keyward.KeyView{Redact: !c.Roles.Has(keyward.APIKeyWrite), SCRAM: !c.Version.Before(keyward.V26_0)}
}

// QueryKeys runs api_key.query for the caller in SQL; entries have the
// newest version's shape.
func (s *Service) QueryKeys(ctx context.Context, f keyward.Filter, o keyward.QueryOptions) (any, error) {
	return s.cfg.Keys.QueryKeys(ctx, View(keyward.CallerFrom(ctx)), f, o)
}

// GetKey returns one key, or the not-found error.
func (s *Service) GetKey(ctx context.Context, id int64) (*keyward.APIKey, error) {
	k, err := s.cfg.Keys.FindKey(ctx, id)
	if err != nil {
		return nil, err
	}
	if k == nil {
		return nil, keyward.NotFound("ApiKey", id)
	}
	return k, nil
}

// callerName is the caller's current username, or "" outside a session
// (commands run by the operator, who may do anything). It is never the
// name copied at login: a user may have been renamed, and another user
// may now have that name.
func callerName(c *keyward.Caller) string {
	if c == nil || c.Session == nil {
		return ""
	}
	return c.Username
}

// checkOwnership applies the ownership rule: without API_KEY_WRITE (which
// FULL_ADMIN includes) only one's own keys may be managed. Users are told
// apart by id, never by name (a name may pass to another user).
func checkOwnership(c *keyward.Caller, owner *keyward.User) error {
	if c == nil || c.Session == nil || c.Roles.Has(keyward.APIKeyWrite) || (owner != nil && owner.ID == c.Session.UserID) {
		return nil
	}
	return keyward.Errorf(keyward.EACCES, MsgNotOwner, callerName(c))
}

// checkEscalation applies Keyward's escalation rule: without FULL_ADMIN, a
// key of another user may be managed only if that user holds no role the
// caller does not hold.
func (s *Service) checkEscalation(c *keyward.Caller, owner *keyward.User) error {
	me := callerName(c)
	if c == nil || c.Session == nil || c.Roles.Has(keyward.FullAdmin) || owner.ID == c.Session.UserID {
		return nil
	}
	if c.Roles.Contains(s.Roles(owner.ID)) {
		return nil
	}
	return keyward.Errorf(keyward.EACCES, "%s: authenticated user lacks privileges to create or modify API keys "+
		"of user %s, who holds roles that the caller does not hold.", me, owner.Username)
}

// CreateKey runs api_key.create and returns the key with its raw key and
// SCRAM credential, which exist nowhere else. The key gets a keyed hash
// and a SCRAM verifier sealed under its id (scram.md 9.4).
func (s *Service) CreateKey(ctx context.Context, in KeyCreate) (*Issued, error) {
	c := keyward.CallerFrom(ctx)
	in.Name = strings.TrimSpace(in.Name)
	owner := s.Accounts().UserByName(in.Username)
	if err := checkOwnership(c, owner); err != nil {
		return nil, err
	}
	now := s.now()
	secret := keys.NewSecret()
	verifier, cred, err := s.deriveSCRAM(ctx, secret, nil, 0)
	if err != nil {
		return nil, err
	}
	k := &keyward.APIKey{Name: in.Name, Hash: keys.Hash(s.cfg.Verifier.Peppers.Current(), secret),
		CreatedAt: now.UTC().Truncate(time.Second), ExpiresAt: truncated(in.ExpiresAt), SecretGen: 1}
	err = s.writeKeys(ctx, func(tx keyward.KeyTx) error {
		v := &keyward.ValidationError{}
		if err := checkName(ctx, tx, v, "api_key_create", in.Name, 0); err != nil {
			return err
		}
		checkExpiry(v, "api_key_create", in.ExpiresAt, now)
		if owner == nil {
			v.Add("api_key_create", MsgNoSuchOwner)
		} else if s.Roles(owner.ID).Empty() {
			v.Add("api_key_create", MsgOwnerWithoutRoles)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := s.checkEscalation(c, owner); err != nil {
			return err
		}
		k.UserID = owner.ID
		if k.ID, err = tx.NextID(ctx); err != nil {
			return err
		}
		k.SCRAM = s.seal(k.ID, verifier)
		return tx.Create(ctx, k)
	})
	if err != nil {
		return nil, err
	}
	cred.KeyID = k.ID
	return &Issued{Key: k, Raw: keys.Format(k.ID, secret), SCRAM: cred}, nil
}

func truncated(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	x := t.UTC().Truncate(time.Second)
	return &x
}

// The texts of the key rules' refusals (api-keys.md), also documented by
// the API's method entries.
const (
	// ErrBlankName refuses a key name of nothing but spaces (names are
	// stored without leading and trailing white space).
	ErrBlankName         = "name must contain a non-space character"
	MsgNameTaken         = "name must be unique"
	MsgExpiryPast        = "Expiration date is in the past"
	MsgNoSuchOwner       = "User does not exist."
	MsgOwnerWithoutRoles = "User lacks privilege role membership."
	// MsgNotOwner is an EACCES text; %s is the caller's username.
	MsgNotOwner = "%s: authenticated user lacks privileges to create or modify API keys of other users."
)

// checkName refuses a blank name (already trimmed) and a taken one.
func checkName(ctx context.Context, tx keyward.KeyTx, v *keyward.ValidationError, attr, name string, except int64) error {
	if name == "" {
		v.Add(attr+".name", ErrBlankName)
		return nil
	}
	taken, err := tx.NameTaken(ctx, name, except)
	if err != nil {
		return err
	}
	if taken {
		v.Add(attr, MsgNameTaken)
	}
	return nil
}

func checkExpiry(v *keyward.ValidationError, attr string, t *time.Time, now time.Time) {
	if t != nil && t.Before(now.Truncate(time.Second)) {
		v.Add(attr, MsgExpiryPast)
	}
}

// errKeyOwner refuses a key whose owner has disappeared (never expected:
// keys are deleted with their owner).
func errKeyOwner(id int64) error { return fmt.Errorf("api key %d has no owner", id) }
