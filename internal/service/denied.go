package service

import "github.com/keyward/keyward"

// Denied is the answer to a correct credential of an account without
// roles on v26.0.0 and later (versions.md 2.5).
const Denied = keyward.LoginDenied

// deniedAnswer is how a login whose credential was correct, for an account
// that may not use the API, is answered on the caller's version: DENIED
// from v26.0.0 on (TrueNAS 26 maps PAM_PERM_DENIED to it), AUTH_ERR
// before, as TrueNAS 25.x did.
func deniedAnswer(c *keyward.Caller) keyward.LoginResponse {
	if c.Version.Before(keyward.V26_0) {
		return AuthErr
	}
	return Denied
}

// lacksAPIAccess is TrueNAS 26's audit text for a DENIED password login.
const lacksAPIAccess = "User lacks API access."

// roleless reports whether the user id at stamp may not log in only
// because they hold no roles: not deleted, not renamed or changed since,
// not locked.
func (snap *snapshot) roleless(id, stamp int64) *keyward.User {
	u := snap.acc.User(id)
	if u == nil || u.Stamp != stamp || u.Locked || !snap.roles[id].Empty() {
		return nil
	}
	return u
}
