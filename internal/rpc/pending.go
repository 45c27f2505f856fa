package rpc

// pendingBox wraps a pending login, so the slot can hold nil and values of
// any type (atomic.Value takes neither).
type pendingBox struct{ v any }

// SwapPending puts v (nil: nothing) in the connection's slot for a login
// that a multi-step mechanism left half done, and returns what the slot
// held. The slot is opaque here: the service decides what goes in it and
// when it is discarded (SCRAM, scram.md 9.7). Login calls of a connection
// run one at a time, so the service sees no races on it; the swap is
// atomic anyway.
func (c *Conn) SwapPending(v any) any {
	old, _ := c.pendingLogin.Swap(pendingBox{v}).(pendingBox)
	return old.v
}
