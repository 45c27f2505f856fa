package rpc

import "sync"

// turnstile lets calls through one at a time in the order they took
// tickets: login calls of a connection take one on arrival, so they run
// one after another in arrival order (protocol.md 13.2).
type turnstile struct {
	mu      sync.Mutex
	cond    *sync.Cond
	next    uint64 // the next ticket to hand out
	serving uint64 // the ticket allowed through
	aborted bool
}

func newTurnstile() *turnstile {
	t := &turnstile{}
	t.cond = sync.NewCond(&t.mu)
	return t
}

// ticket returns the next place in line.
func (t *turnstile) ticket() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := t.next
	t.next++
	return n
}

// enter waits for the ticket's turn; it returns false when the turnstile
// was aborted (the connection ended).
func (t *turnstile) enter(n uint64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for t.serving != n && !t.aborted {
		t.cond.Wait()
	}
	return !t.aborted
}

// leave lets the next ticket through.
func (t *turnstile) leave() {
	t.mu.Lock()
	t.serving++
	t.mu.Unlock()
	t.cond.Broadcast()
}

// abort releases every waiter.
func (t *turnstile) abort() {
	t.mu.Lock()
	t.aborted = true
	t.mu.Unlock()
	t.cond.Broadcast()
}
