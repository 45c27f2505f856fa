package app

import (
	"context"
	"errors"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/sqlite"
)

// countedStore hands every store call of the services to the database and
// counts the errors that are database failures, where they surface: at
// the store's edge, once per call, whatever the caller then does with
// them (answer EFAULT, log, retry later).
type countedStore struct {
	db    *sqlite.DB
	count func()
}

// check counts err when it is a database failure: not a business refusal
// (a keyward error, returned by a transaction's own checks) and not a
// cancelled call.
func (s countedStore) check(err error) error {
	var ke *keyward.Error
	var ve *keyward.ValidationError
	if err != nil && !errors.As(err, &ke) && !errors.As(err, &ve) &&
		!errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		s.count()
	}
	return err
}

func (s countedStore) LoadAccounts(ctx context.Context) (*keyward.Accounts, int64, error) {
	acc, gen, err := s.db.LoadAccounts(ctx)
	return acc, gen, s.check(err)
}

func (s countedStore) AccountsGeneration(ctx context.Context) (int64, error) {
	gen, err := s.db.AccountsGeneration(ctx)
	return gen, s.check(err)
}

func (s countedStore) UpdateAccounts(ctx context.Context, fn func(tx keyward.AccountTx) error) error {
	return s.check(s.db.UpdateAccounts(ctx, fn))
}

func (s countedStore) AddAudit(ctx context.Context, entry map[string]any) error {
	return s.check(s.db.AddAudit(ctx, entry))
}

func (s countedStore) QueryAudit(ctx context.Context, f *query.Filter, o *query.Options) (any, error) {
	out, err := s.db.QueryAudit(ctx, f, o)
	return out, s.check(err)
}

func (s countedStore) PruneAudit(ctx context.Context, before time.Time) (int64, error) {
	n, err := s.db.PruneAudit(ctx, before)
	return n, s.check(err)
}

func (s countedStore) FindKey(ctx context.Context, id int64) (*keyward.APIKey, error) {
	k, err := s.db.FindKey(ctx, id)
	return k, s.check(err)
}

func (s countedStore) QueryKeys(ctx context.Context, v keyward.KeyView, f *query.Filter, o *query.Options) (any, error) {
	out, err := s.db.QueryKeys(ctx, v, f, o)
	return out, s.check(err)
}

func (s countedStore) KeyIDsByUser(ctx context.Context) (map[int64][]int64, error) {
	ids, err := s.db.KeyIDsByUser(ctx)
	return ids, s.check(err)
}

func (s countedStore) KeysGeneration(ctx context.Context) (int64, error) {
	gen, err := s.db.KeysGeneration(ctx)
	return gen, s.check(err)
}

func (s countedStore) UpdateKeys(ctx context.Context, fn func(keyward.KeyTx) error) error {
	return s.check(s.db.UpdateKeys(ctx, fn))
}

func (s countedStore) RevokedKeys(ctx context.Context) ([]*keyward.APIKey, error) {
	ks, err := s.db.RevokedKeys(ctx)
	return ks, s.check(err)
}

func (s countedStore) InsecureUses(ctx context.Context) ([]keyward.InsecureUse, error) {
	uses, err := s.db.InsecureUses(ctx)
	return uses, s.check(err)
}
