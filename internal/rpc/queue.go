package rpc

import (
	"context"
	"log/slog"
	"time"

	"github.com/coder/websocket"
)

// send queues an outgoing message and reports whether it did. A client
// that lets more than MaxQueuedBytes wait is closed with 1008 "Client too
// slow"; no other connection ever waits for it.
func (c *Conn) send(msg []byte) bool {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return false
	}
	if queued := c.outBytes; queued+len(msg) > MaxQueuedBytes {
		c.mu.Unlock()
		if c.shut(websocket.StatusPolicyViolation, reasonTooSlow) {
			c.srv.obs.SlowClientDropped()
			c.srv.log.LogAttrs(context.Background(), slog.LevelInfo, "client too slow",
				slog.String("conn", c.id), slog.Int("queued_bytes", queued))
		}
		return false
	}
	c.out = append(c.out, msg)
	c.outBytes += len(msg)
	start := !c.writing
	c.writing = true
	c.mu.Unlock()
	if start {
		go c.writeLoop()
	}
	return true
}

// reply sends a call's response. When no writer is busy the calling
// goroutine writes it at once (saving a goroutine hand-off per call) and
// then anything queued meanwhile; otherwise it is queued. Only call
// goroutines use it: the event hub must never wait on a client.
func (c *Conn) reply(msg []byte) {
	c.mu.Lock()
	if c.closed || c.writing {
		c.mu.Unlock()
		c.send(msg)
		return
	}
	c.writing = true
	c.mu.Unlock()
	if !c.write(msg) {
		c.Close(websocket.StatusPolicyViolation, reasonTooSlow)
		return
	}
	c.writeLoop()
}

// writeLoop writes queued messages until the queue is empty, then exits,
// so an idle connection has no writer goroutine.
func (c *Conn) writeLoop() {
	for {
		c.mu.Lock()
		batch := c.out
		c.out = nil
		if len(batch) == 0 || c.closed {
			c.writing = false
			then := c.afterFlush
			c.afterFlush = nil
			c.mu.Unlock()
			if then != nil {
				then()
			}
			return
		}
		c.mu.Unlock()
		for _, msg := range batch {
			if !c.write(msg) {
				c.Close(websocket.StatusPolicyViolation, reasonTooSlow)
				return
			}
			c.mu.Lock()
			closed := c.closed
			if !closed {
				c.outBytes -= len(msg)
			}
			c.mu.Unlock()
			// Close dropped the queue; the rest of this batch goes too, so
			// the close frame is the next thing written.
			if closed {
				return
			}
		}
	}
}

// write writes one message. It takes no deadline context (the library
// would arm a timer per write): the server's watchdog drops a connection
// whose write has been stuck for longer than the write timeout.
func (c *Conn) write(msg []byte) bool {
	c.writeSince.Store(c.srv.clock.Load())
	err := c.ws.Write(context.Background(), websocket.MessageText, msg)
	c.writeSince.Store(0)
	return err == nil
}

// stuck reports whether a write has been in progress since before limit.
func (c *Conn) stuck(limit time.Time) bool {
	since := c.writeSince.Load()
	return since != 0 && since < limit.UnixNano()
}

// CloseAfterFlush closes the connection once the messages already queued
// (such as the response to the call that asked for it) are written.
func (c *Conn) CloseAfterFlush(code websocket.StatusCode, reason string) {
	c.mu.Lock()
	if c.writing {
		c.afterFlush = func() { c.Close(code, reason) }
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	c.Close(code, reason)
}
