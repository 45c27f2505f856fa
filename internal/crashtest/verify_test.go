package crashtest_test

import (
	"slices"
	"testing"
)

// liveUser and liveKey are rows as the restarted server reports them.
type liveUser struct {
	id      int64
	group   int64 // the primary group's database id
	locked  bool
	apiKeys []int64
}

type liveKey struct {
	name    string
	hash    string
	owner   string
	ownerID int64
	revoked bool
}

// tally counts what one verification checked.
type tally struct {
	keysOK, keysLocked, staleRefused, deletedRefused, usersChecked, lockedUsers int
	unknownCommitted, unknownNot                                                int
}

func (a *tally) add(b tally) {
	a.keysOK += b.keysOK
	a.keysLocked += b.keysLocked
	a.staleRefused += b.staleRefused
	a.deletedRefused += b.deletedRefused
	a.usersChecked += b.usersChecked
	a.lockedUsers += b.lockedUsers
	a.unknownCommitted += b.unknownCommitted
	a.unknownNot += b.unknownNot
}

// verifier checks the workers' records against a restarted server: admin
// is an administrator's connection, login a connection for key logins.
type verifier struct {
	t            *testing.T
	admin, login *rpcClient
	users        map[string]*liveUser
	keys         map[int64]*liveKey
	tally        tally
}

// load reads every user and key and checks that they agree with each
// other: no key without its owner, no owner listing a key it lacks.
func (v *verifier) load() {
	t := v.t
	v.users, v.keys = map[string]*liveUser{}, map[int64]*liveKey{}
	byID := map[int64]string{}
	for _, r := range v.admin.must(t, "user.query").([]any) {
		e := r.(map[string]any)
		u := &liveUser{id: num(e["id"]), locked: e["locked"] == true}
		if g, ok := e["group"].(map[string]any); ok {
			u.group = num(g["id"])
		}
		for _, id := range e["api_keys"].([]any) {
			u.apiKeys = append(u.apiKeys, num(id))
		}
		name := e["username"].(string)
		v.users[name], byID[u.id] = u, name
	}
	owned := map[string][]int64{}
	for _, r := range v.admin.must(t, "api_key.query").([]any) {
		e := r.(map[string]any)
		id := num(e["id"])
		k := &liveKey{name: e["name"].(string), ownerID: num(e["user_identifier"]), revoked: e["revoked"] == true}
		k.owner, _ = e["username"].(string)
		k.hash, _ = e["keyhash"].(string)
		v.keys[id] = k
		if byID[k.ownerID] != k.owner || k.owner == "" {
			t.Errorf("key %d (%s): owner %d %q is not a user", id, k.name, k.ownerID, k.owner)
		}
		if k.revoked {
			t.Errorf("key %d (%s) is revoked", id, k.name)
		}
		owned[k.owner] = append(owned[k.owner], id)
	}
	for name, u := range v.users {
		slices.Sort(owned[name])
		if !slices.Equal(u.apiKeys, owned[name]) && len(u.apiKeys)+len(owned[name]) > 0 {
			t.Errorf("user %s lists keys %v, the keys name it as owner of %v", name, u.apiKeys, owned[name])
		}
	}
}

// keyLogin logs in with raw as owner and reports the response type.
func (v *verifier) keyLogin(owner, raw string) string { return v.login.keyLogin(v.t, owner, raw) }

// adopt resets k through the administrator to learn a secret that works,
// after an unanswered create or reset left it unknown.
func (v *verifier) adopt(k *keyState) {
	e := v.admin.must(v.t, "api_key.update", k.id, map[string]any{"reset": true}).(map[string]any)
	k.secret, k.hash = e["key"].(string), e["keyhash"].(string)
}

// resolve settles a worker's unanswered call by what the server shows,
// after checking that what it shows is one of the allowed outcomes.
func (v *verifier) resolve(w *worker) {
	t, op := v.t, w.unknown
	if op == nil {
		return
	}
	w.unknown = nil
	committed := false
	switch op.kind {
	case "create":
		for id, lk := range v.keys {
			if lk.name == op.name {
				k := &keyState{id: id, name: op.name, owner: lk.owner}
				v.adopt(k)
				lk.hash = k.hash
				w.keys[id], committed = k, true
			}
		}
	case "user":
		if u, ok := v.users[op.name]; ok {
			w.users, committed = append(w.users, &userState{id: u.id, name: op.name, locked: u.locked}), true
		}
	case "lock":
		if u, ok := v.users[op.user.name]; ok {
			committed = u.locked == op.locked
			op.user.locked = u.locked
		}
	case "delete":
		if _, ok := v.keys[op.key.id]; !ok {
			delete(w.keys, op.key.id)
			w.deleted[op.key.id], committed = op.key, true
		}
	case "reset":
		// The new secret was never seen, but the stored hash tells whether
		// the reset was committed; if it was, a new reset gives the test a
		// working secret again.
		k := op.key
		lk, ok := v.keys[k.id]
		if !ok {
			t.Errorf("worker %d: key %d vanished after an unanswered reset", w.n, k.id)
			return
		}
		if lk.hash != k.hash {
			committed = true
			k.stale = append(k.stale, k.secret)
			v.adopt(k)
			lk.hash = k.hash
		}
	}
	if committed {
		v.tally.unknownCommitted++
	} else {
		v.tally.unknownNot++
	}
}

// check verifies one worker's acknowledged state.
func (v *verifier) check(w *worker) {
	t := v.t
	for _, u := range w.users {
		lu, ok := v.users[u.name]
		switch {
		case !ok:
			t.Errorf("worker %d: acknowledged user %s is gone", w.n, u.name)
			continue
		case lu.locked != u.locked:
			t.Errorf("worker %d: user %s: locked %v, acknowledged %v", w.n, u.name, lu.locked, u.locked)
		case lu.group != 2:
			t.Errorf("worker %d: user %s: primary group %d, want 2", w.n, u.name, lu.group)
		}
		v.tally.usersChecked++
		if lu.locked {
			v.tally.lockedUsers++
		}
	}
	for _, k := range w.keys {
		v.checkKey(w, k)
	}
	for id, k := range w.deleted {
		for _, raw := range append(k.stale, k.secret) {
			if r := v.keyLogin(k.owner, raw); r != "AUTH_ERR" {
				t.Errorf("worker %d: deleted key %d logs in: %s", w.n, id, r)
			}
		}
		v.tally.deletedRefused++
		w.gone = append(w.gone, id)
		delete(w.deleted, id)
	}
	for _, id := range w.gone {
		if _, ok := v.keys[id]; ok {
			t.Errorf("worker %d: deleted key %d is back", w.n, id)
		}
	}
}

// checkKey verifies an acknowledged key: it exists unchanged, its secret
// logs in unless its owner is locked, and every replaced secret fails.
func (v *verifier) checkKey(w *worker, k *keyState) {
	t := v.t
	lk, ok := v.keys[k.id]
	if !ok {
		t.Errorf("worker %d: acknowledged key %d (%s) is gone", w.n, k.id, k.name)
		return
	}
	if lk.name != k.name || lk.owner != k.owner || lk.hash != k.hash {
		t.Errorf("worker %d: key %d is %s of %s hashed %s, acknowledged %s of %s hashed %s",
			w.n, k.id, lk.name, lk.owner, lk.hash, k.name, k.owner, k.hash)
	}
	want := "SUCCESS"
	if v.users[k.owner].locked {
		want = "AUTH_ERR" // api-keys.md 11.1 step 7
	}
	if r := v.keyLogin(k.owner, k.secret); r != want {
		t.Errorf("worker %d: key %d (owner locked %v): login %s, want %s", w.n, k.id, v.users[k.owner].locked, r, want)
	}
	if want == "SUCCESS" {
		v.tally.keysOK++
	} else {
		v.tally.keysLocked++
	}
	for _, old := range k.stale {
		if r := v.keyLogin(k.owner, old); r != "AUTH_ERR" {
			t.Errorf("worker %d: key %d: a secret replaced by an acknowledged reset logs in: %s", w.n, k.id, r)
		}
		v.tally.staleRefused++
	}
	k.stale = nil
}

// checkNoStrangers fails on users and keys that no worker accounts for:
// a row the test never asked for is a half-written or invented one.
func (v *verifier) checkNoStrangers(workers []*worker) {
	users, keys := map[string]bool{adminUser: true}, map[int64]bool{}
	for _, w := range workers {
		for _, u := range w.users {
			users[u.name] = true
		}
		for id := range w.keys {
			keys[id] = true
		}
	}
	for name := range v.users {
		if !users[name] {
			v.t.Errorf("user %s was never created", name)
		}
	}
	for id, k := range v.keys {
		if !keys[id] {
			v.t.Errorf("key %d (%s) was never created or was deleted", id, k.name)
		}
	}
}
