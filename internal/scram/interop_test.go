package scram_test

import (
	"errors"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/client"
	"github.com/keyward/keyward/internal/scram"
)

// TestWithIndependentClient: exchanges with random nonces and a new
// verifier between this package and the independent client of
// internal/client succeed unbound, bound and with the precomputed keys a
// create result gives; a client-final replayed into a new exchange and one
// bound to other bytes fail.
func TestWithIndependentClient(t *testing.T) {
	v, clientKey, err := scram.NewVerifier(vecSecret, scram.MinIterations)
	if err != nil {
		t.Fatal(err)
	}
	binding := seq(0x40, 48)
	raw := client.SCRAMKey{ID: 7, Secret: vecSecret}
	pre := client.SCRAMKey{ID: 7, ClientKey: clientKey, StoredKey: v.StoredKey, ServerKey: v.ServerKey}
	run := func(t *testing.T, c *client.SCRAM, conn []byte) (*scram.Exchange, string, error) {
		t.Helper()
		cf, err := scram.ParseClientFirst(c.First())
		if err != nil {
			t.Fatal(err)
		}
		x, err := scram.Begin(cf, conn, v, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		final, err := c.Final(x.ServerFirst())
		if err != nil {
			t.Fatal(err)
		}
		fin, err := scram.ParseClientFinal(final)
		if err != nil {
			t.Fatal(err)
		}
		if err := x.CheckFinal(fin); err != nil {
			return x, final, err
		}
		serverFinal, err := x.Verify(fin, v)
		if err == nil {
			err = c.CheckServerFinal(serverFinal)
		}
		return x, final, err
	}
	for _, tc := range []struct {
		name       string
		key        client.SCRAMKey
		sent, conn []byte
		want       error
		flag       string
	}{
		{name: "OKUnbound", key: raw},
		{name: "OKUnboundOverTLS", key: raw, conn: binding},
		{name: "OKBound", key: raw, sent: binding, conn: binding},
		{name: "OKPrecomputedBound", key: pre, sent: binding, conn: binding},
		{name: "ErrOtherBinding", key: raw, sent: seq(0x41, 48), conn: binding, want: scram.ErrBindingMismatch},
		{name: "ErrStrippedBinding", key: raw, conn: binding, flag: "p=tls-server-end-point", want: scram.ErrBindingMismatch},
		{name: "ErrWrongSecret", key: client.SCRAMKey{ID: 7, Secret: vecSecret[1:] + "x"}, want: scram.ErrProof},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &client.SCRAM{User: "svc", Key: tc.key, Binding: tc.sent, Flag: tc.flag}
			if _, _, err := run(t, c, tc.conn); !errors.Is(err, tc.want) {
				t.Fatalf("exchange: %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("ErrReplay", func(t *testing.T) {
		_, final, err := run(t, &client.SCRAM{User: "svc", Key: raw}, nil)
		if err != nil {
			t.Fatal(err)
		}
		c := &client.SCRAM{User: "svc", Key: raw}
		cf, _ := scram.ParseClientFirst(c.First())
		x, err := scram.Begin(cf, nil, v, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		fin, _ := scram.ParseClientFinal(final)
		if err := x.CheckFinal(fin); !errors.Is(err, scram.ErrMalformed) {
			t.Fatalf("replayed client-final: %v", err)
		}
	})
}
