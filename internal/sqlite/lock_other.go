//go:build !unix

package sqlite

import "errors"

// ErrInUse means the database is open in another process (a running
// server or a data-directory command), so it cannot be replaced.
var ErrInUse = errors.New("the database is in use")

// lock does nothing where flock is missing: there a restore cannot tell
// whether a server runs, and the operator must stop it first.
func lock(string, bool) (func() error, error) { return func() error { return nil }, nil }
