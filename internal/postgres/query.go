package postgres

import (
	"context"
	"errors"

	"github.com/keyward/keyward"
)

// errNoQuery: the query compiler's PostgreSQL dialect has not landed yet.
var errNoQuery = errors.New("postgres: queries are not implemented yet")

// QueryKeys runs an api_key.query in SQL, as the view shows keys.
func (db *DB) QueryKeys(ctx context.Context, v keyward.KeyView, f keyward.Filter, o keyward.QueryOptions) (_ any, err error) {
	defer db.fail(&err)
	return nil, errNoQuery
}

// QueryAudit runs a query over the audit trail in SQL, after the records
// queued so far are written.
func (db *DB) QueryAudit(ctx context.Context, f keyward.Filter, o keyward.QueryOptions) (_ any, err error) {
	defer db.fail(&err)
	if err := db.flushAudit(ctx); err != nil {
		return nil, err
	}
	return nil, errNoQuery
}
