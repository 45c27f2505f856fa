package crashtest_test

import (
	"fmt"
	"math/rand/v2"
	"sync/atomic"
)

// Limits that keep a worker's share of the database small, so each round's
// verification stays quick.
const (
	maxKeysPerWorker  = 40
	maxUsersPerWorker = 6
)

// keyState is what the test knows about one key it created.
type keyState struct {
	id     int64
	name   string
	owner  string   // the owner's username
	secret string   // the raw key that must log in while the owner is unlocked
	hash   string   // the keyhash the server returned with secret
	stale  []string // raw keys replaced by an acknowledged reset, not yet checked
}

// userState is what the test knows about one user it created.
type userState struct {
	id     int64
	name   string
	locked bool
}

// unknownOp is the call a worker had sent when its connection died: it
// may or may not have been committed.
type unknownOp struct {
	kind   string     // "create", "reset", "delete", "lock" or "user"
	name   string     // of the key or user being created
	key    *keyState  // reset and delete
	user   *userState // lock
	locked bool       // the value a lock call was setting
}

// acks counts acknowledged changes.
type acks struct{ created, reset, deleted, locked, unlocked, users int }

func (a acks) total() int { return a.created + a.reset + a.deleted + a.locked + a.unlocked + a.users }

func (a *acks) add(b acks) {
	a.created += b.created
	a.reset += b.reset
	a.deleted += b.deleted
	a.locked += b.locked
	a.unlocked += b.unlocked
	a.users += b.users
}

// worker changes its own users and keys only, one call at a time, so the
// order of its acknowledged calls is the order they were committed in.
type worker struct {
	n       int
	rng     *rand.Rand
	users   []*userState
	keys    map[int64]*keyState // keys that exist (acknowledged)
	deleted map[int64]*keyState // acknowledged deletions not yet checked
	gone    []int64             // every acknowledged deletion, checked absent each round
	unknown *unknownOp          // set when a call went unanswered
	seq     int
	acks    acks // this round
	err     error
}

func newWorker(n int, seed uint64) *worker {
	return &worker{n: n, rng: rand.New(rand.NewPCG(seed, uint64(n))),
		keys: map[int64]*keyState{}, deleted: map[int64]*keyState{}}
}

// run logs in as the administrator and changes things until the server is
// killed. An error response, or a lost connection before the kill, is a
// failure; a lost connection after it is the expected end.
func (w *worker) run(url string, killed *atomic.Bool) {
	fail := func(err error) {
		if isResponse(err) || !killed.Load() {
			w.err = err
		}
	}
	c, err := dial(url)
	if err != nil {
		fail(err)
		return
	}
	defer c.close()
	if r, err := c.login(map[string]any{"mechanism": "PASSWORD_PLAIN", "username": adminUser, "password": adminPassword}); err != nil || r != "SUCCESS" {
		fail(fmt.Errorf("worker %d login: %q %w", w.n, r, err))
		return
	}
	for {
		if err := w.step(c); err != nil {
			fail(fmt.Errorf("worker %d: %w", w.n, err))
			return
		}
	}
}

// step makes one random change and records it if it was acknowledged.
func (w *worker) step(c *rpcClient) error {
	p := w.rng.IntN(100)
	switch {
	case len(w.keys) == 0 || (p < 35 && len(w.keys) < maxKeysPerWorker):
		return w.createKey(c)
	case p < 60:
		return w.resetKey(c)
	case p < 82:
		return w.deleteKey(c)
	case p < 94 || len(w.users) >= maxUsersPerWorker:
		return w.toggleLock(c)
	default:
		return w.createUser(c)
	}
}

// unanswered records op as unknown when err is a lost connection.
func (w *worker) unanswered(err error, op *unknownOp) error {
	if !isResponse(err) {
		w.unknown = op
	}
	return err
}

func (w *worker) createKey(c *rpcClient) error {
	u := w.users[w.rng.IntN(len(w.users))]
	w.seq++
	name := fmt.Sprintf("w%d-k%d", w.n, w.seq)
	r, err := c.call("api_key.create", map[string]any{"name": name, "username": u.name})
	if err != nil {
		return w.unanswered(err, &unknownOp{kind: "create", name: name})
	}
	e, _ := r.(map[string]any)
	raw, _ := e["key"].(string)
	k := &keyState{id: num(e["id"]), name: name, owner: u.name, secret: raw}
	k.hash, _ = e["keyhash"].(string)
	if k.id == 0 || raw == "" || k.hash == "" {
		return fmt.Errorf("api_key.create result %v", r)
	}
	w.keys[k.id] = k
	w.acks.created++
	return nil
}

func (w *worker) anyKey() *keyState {
	i := w.rng.IntN(len(w.keys))
	for _, k := range w.keys {
		if i == 0 {
			return k
		}
		i--
	}
	panic("unreachable")
}

func (w *worker) resetKey(c *rpcClient) error {
	k := w.anyKey()
	r, err := c.call("api_key.update", k.id, map[string]any{"reset": true})
	if err != nil {
		return w.unanswered(err, &unknownOp{kind: "reset", key: k})
	}
	e, _ := r.(map[string]any)
	raw, _ := e["key"].(string)
	hash, _ := e["keyhash"].(string)
	if raw == "" || raw == k.secret || hash == "" {
		return fmt.Errorf("api_key.update reset result %v", r)
	}
	k.stale, k.secret, k.hash = append(k.stale, k.secret), raw, hash
	w.acks.reset++
	return nil
}

func (w *worker) deleteKey(c *rpcClient) error {
	k := w.anyKey()
	if _, err := c.call("api_key.delete", k.id); err != nil {
		return w.unanswered(err, &unknownOp{kind: "delete", key: k})
	}
	delete(w.keys, k.id)
	w.deleted[k.id] = k
	w.acks.deleted++
	return nil
}

func (w *worker) toggleLock(c *rpcClient) error {
	u := w.users[w.rng.IntN(len(w.users))]
	locked := !u.locked
	if _, err := c.call("user.update", u.id, map[string]any{"locked": locked}); err != nil {
		return w.unanswered(err, &unknownOp{kind: "lock", user: u, locked: locked})
	}
	u.locked = locked
	if locked {
		w.acks.locked++
	} else {
		w.acks.unlocked++
	}
	return nil
}

func (w *worker) createUser(c *rpcClient) error {
	w.seq++
	name := fmt.Sprintf("w%d-u%d", w.n, w.seq)
	r, err := c.call("user.create", newUser(name))
	if err != nil {
		return w.unanswered(err, &unknownOp{kind: "user", name: name})
	}
	e, _ := r.(map[string]any)
	w.users = append(w.users, &userState{id: num(e["id"]), name: name})
	w.acks.users++
	return nil
}

// newUser is a user_create for a read-only administrator (primary group 2,
// truenas_readonly_administrators), so keys can be made for it; its
// password is disabled, so no argon2 hash is computed.
func newUser(name string) map[string]any {
	return map[string]any{"username": name, "full_name": "Crash " + name, "password_disabled": true, "group": 2}
}
