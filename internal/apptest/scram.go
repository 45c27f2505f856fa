package apptest

import (
	"context"

	"github.com/keyward/keyward/internal/client"
)

// RPC returns the connection's JSON-RPC client, for the SCRAM client's
// steps (client.Conn.LoginSCRAM, SCRAMStep).
func (c *Client) RPC() *client.Conn { return c.rpc }

// SCRAM returns an exchange of the independent SCRAM client for user and
// a raw key or precomputed key file; bound binds it to the connection's
// TLS channel (the official client's default over wss://).
func (c *Client) SCRAM(user, key string, bound bool) *client.SCRAM {
	c.tb.Helper()
	k, err := client.ParseSCRAMKey(key)
	if err != nil {
		c.tb.Fatal(err)
	}
	s := &client.SCRAM{User: user, Key: k}
	if bound {
		if s.Binding, err = client.ServerEndPoint(c.rpc.TLS()); err != nil {
			c.tb.Fatal(err)
		}
	}
	return s
}

// LoginSCRAM logs in by SCRAM (two auth.login_ex calls, the server's
// signature checked) and returns the server-final answer.
func (c *Client) LoginSCRAM(s *client.SCRAM) (client.SCRAMAnswer, error) {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	return c.rpc.LoginSCRAM(ctx, s)
}

// SCRAMStep sends one SCRAM step as is; an error answer is a *client.Error.
func (c *Client) SCRAMStep(scramType, rfcStr string) (client.SCRAMAnswer, error) {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	return c.rpc.SCRAMStep(ctx, scramType, rfcStr)
}

// MustSCRAMFirst sends s's client-first and returns the client-final that
// answers the server-first, and the server-first, without sending it
// (tests that replay, alter or withhold the final step).
func (c *Client) MustSCRAMFirst(s *client.SCRAM) (final, serverFirst string) {
	c.tb.Helper()
	a, err := c.SCRAMStep(client.SCRAMClientFirst, s.First())
	if err != nil {
		c.tb.Fatal(err)
	}
	final, err = s.Final(a.RFCStr)
	if err != nil {
		c.tb.Fatal(err)
	}
	return final, a.RFCStr
}
