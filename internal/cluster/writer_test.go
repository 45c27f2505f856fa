package cluster_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keyward/keyward/internal/apptest"
)

// keyRec is what a writer knows of one of its keys: the raw key and the
// names it may have (one after an acknowledged rename; two while a rename
// is unanswered).
type keyRec struct {
	raw   string
	names map[string]bool
}

// writer is one client creating, renaming and deleting its own keys on one
// node through api_key.create, api_key.update and api_key.delete, and
// recording which writes were acknowledged. Its record is read only after
// run returns.
type writer struct {
	name string
	url  string
	rng  *rand.Rand
	seq  int
	// once: a lost connection ends the writer (its node is to die, and
	// its port may go to another test's node).
	once bool

	live    map[int64]*keyRec // created and not deleted, as acknowledged
	maybe   map[int64]*keyRec // a delete is unanswered: there or not
	deleted map[int64]string  // acknowledged deletes: id -> raw key
	unknown map[string]bool   // names of unanswered creates: there or not

	acks    atomic.Int64 // acknowledged writes
	lastAck atomic.Int64 // unix nanos of the last acknowledged write
	fails   atomic.Int64 // writes answered with an error or not at all
}

// newWriter makes writer i of a test for the node at url.
func newWriter(i int, url string, seed uint64) *writer {
	return &writer{name: fmt.Sprintf("load-w%d", i), url: url, rng: rand.New(rand.NewPCG(seed, uint64(i))),
		live: map[int64]*keyRec{}, maybe: map[int64]*keyRec{}, deleted: map[int64]string{}, unknown: map[string]bool{}}
}

// ackedSince reports whether the writer had a write acknowledged after t.
func (w *writer) ackedSince(t time.Time) bool { return w.lastAck.Load() > t.UnixNano() }

// run writes until stop is closed. A lost connection is dialled again
// (and logged in again) every 50 ms for as long as the node refuses.
func (w *writer) run(stop <-chan struct{}) {
	var c *rpcConn
	defer func() {
		if c != nil {
			c.close()
		}
	}()
	for {
		select {
		case <-stop:
			return
		case <-time.After(5 * time.Millisecond):
		}
		if c == nil {
			if c = w.connect(); c == nil && w.once {
				return
			}
			continue
		}
		if err := w.step(c); err != nil && !answered(err) {
			if w.once {
				return
			}
			c.close()
			c = nil
		}
	}
}

// connect dials the node and logs in as the administrator, or returns nil.
func (w *writer) connect() *rpcConn {
	c, err := dial(w.url)
	if err != nil {
		return nil
	}
	if r, err := c.loginPassword(apptest.AdminUser, apptest.AdminPassword); err != nil || r != "SUCCESS" {
		c.close()
		return nil
	}
	return c
}

// step makes one write: a create while the writer has few keys, else a
// create, a rename or a delete at random.
func (w *writer) step(c *rpcConn) error {
	w.seq++
	name := fmt.Sprintf("%s-%d", w.name, w.seq)
	r := w.rng.IntN(10)
	if len(w.live) < 3 || r < 4 {
		return w.create(c, name)
	}
	id, k := w.pick()
	if r < 7 {
		return w.rename(c, id, k, name)
	}
	return w.delete(c, id, k)
}

// pick returns one of the live keys at random.
func (w *writer) pick() (int64, *keyRec) {
	n := w.rng.IntN(len(w.live))
	for id, k := range w.live {
		if n == 0 {
			return id, k
		}
		n--
	}
	panic("unreachable")
}

func (w *writer) create(c *rpcConn, name string) error {
	r, err := c.call("api_key.create", map[string]any{"name": name, "username": apptest.AdminUser})
	e, _ := r.(map[string]any)
	raw, _ := e["key"].(string)
	if err != nil || raw == "" {
		w.unknown[name] = true
		w.fails.Add(1)
		return err
	}
	w.live[num(e["id"])] = &keyRec{raw: raw, names: map[string]bool{name: true}}
	w.acked()
	return nil
}

func (w *writer) rename(c *rpcConn, id int64, k *keyRec, name string) error {
	k.names[name] = true
	if _, err := c.call("api_key.update", id, map[string]any{"name": name}); err != nil {
		w.fails.Add(1)
		return err
	}
	k.names = map[string]bool{name: true}
	w.acked()
	return nil
}

func (w *writer) delete(c *rpcConn, id int64, k *keyRec) error {
	delete(w.live, id)
	r, err := c.call("api_key.delete", id)
	if err != nil || r != true {
		w.maybe[id] = k
		w.fails.Add(1)
		return err
	}
	w.deleted[id] = k.raw
	w.acked()
	return nil
}

func (w *writer) acked() {
	w.acks.Add(1)
	w.lastAck.Store(time.Now().UnixNano())
}

// startWriters runs the writers on goroutines of their own and returns a
// function that stops them and waits for them (once; later calls do
// nothing).
func startWriters(ws []*writer) (halt func()) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Go(func() { w.run(stop) })
	}
	return sync.OnceFunc(func() { close(stop); wg.Wait() })
}
