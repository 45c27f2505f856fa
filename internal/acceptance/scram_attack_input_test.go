package acceptance_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/client"
)

// TestSCRAMOddClientFirsts (scram.md 9.7 step 1.1): odd client-firsts —
// key ids with leading zeros, signs or overflow, odd or escaped names,
// non-canonical nonces, oversized messages — are answered AUTH_ERR at the
// client-first, or a stand-in server-first where the grammar allows them,
// and the connection keeps serving: a right login works afterwards on it.
func TestSCRAMOddClientFirsts(t *testing.T) {
	t.Parallel()
	f := newSCRAMFixture(t)
	n := nonce44()
	id := f.raw[:strings.IndexByte(f.raw, '-')]
	nonce31 := base64.StdEncoding.EncodeToString(make([]byte, 31))
	nonce33 := base64.StdEncoding.EncodeToString(make([]byte, 33))
	authErr := []string{
		"", "n,,", "n,,n=svc:" + id, "n,,r=" + n, "n,,n=svc:" + id + ",r=" + n + ",x=1",
		"n,a=svc,n=svc:" + id + ",r=" + n, "y,a=,n=svc:" + id + ",r=" + n, "q,,n=svc:" + id + ",r=" + n,
		"p=tls-unique,,n=svc:" + id + ",r=" + n, "n,,m=ext,n=svc:" + id + ",r=" + n,
		"n,,n=svc:0" + id + ",r=" + n, "n,,n=svc:0,r=" + n, "n,,n=svc:-1,r=" + n, "n,,n=svc:+7,r=" + n,
		"n,,n=svc:2147483648,r=" + n, "n,,n=svc:99999999999999999999,r=" + n, "n,,n=svc: 7,r=" + n,
		"n,,n=svc:7 ,r=" + n, "n,,n=svc:,r=" + n, "n,,n=:7,r=" + n, "n,,n=svc=2c:7,r=" + n,
		"n,,n=svc=:7,r=" + n, "n,,n=svc=2:7,r=" + n, "n,,n=svc,r=" + n,
		"n,,n=svc:7,r=" + strings.TrimRight(n, "="), "n,,n=svc:7,r=" + nonce31, "n,,n=svc:7,r=" + nonce33,
		"n,,n=svc:7,r=" + strings.ReplaceAll(strings.ReplaceAll(n, "+", "-"), "/", "_") + "_",
		"n,,n=svc:7,r=" + n[:42] + "f=", // non-zero padding bits
		"n,,n=svc:7,r=" + n[:20] + "\n" + n[21:],
		"n,,n=" + strings.Repeat("a", 1000) + ":7,r=" + n,
		"N,,n=svc:7,r=" + n, "n,,N=svc:7,r=" + n, "n,,n=svc:7,R=" + n,
	}
	c := f.ws(t)
	for _, rfc := range authErr {
		a, err := c.SCRAMStep(client.SCRAMClientFirst, rfc)
		if err != nil || a.ResponseType != "AUTH_ERR" {
			t.Errorf("client-first %q: %+v %v, want AUTH_ERR", rfc, a, err)
		}
	}
	standIn := []string{
		"n,,n=svc=2C:7,r=" + n, "n,,n=svc=3D:7,r=" + n, "n,,n=Ωmega\u0000:7,r=" + n,
		"n,,n=a:b:" + id + ",r=" + n, "n,,n=svc:2147483647,r=" + n, "n,,n=SVC:" + id + ",r=" + n,
		"n,,n= svc:" + id + ",r=" + n,
	}
	for _, rfc := range standIn {
		a, err := c.SCRAMStep(client.SCRAMClientFirst, rfc)
		if err != nil || a.SCRAMType != "SERVER_FIRST_RESPONSE" {
			t.Errorf("client-first %q: %+v %v, want a server-first", rfc, a, err)
			continue
		}
		_, salt, iters := serverFirstParts(t, a.RFCStr)
		if len(salt) != 16 || iters != "50000" {
			t.Errorf("client-first %q: server-first %s", rfc, a.RFCStr)
		}
	}
	if _, err := c.LoginSCRAM(c.SCRAM("svc", f.raw, false)); err != nil {
		t.Fatalf("login after the odd messages: %v", err)
	}
	if got := c.MustResult("auth.me").(map[string]any)["pw_name"]; got != "svc" {
		t.Fatalf("auth.me %v", got)
	}
}

// TestSCRAMOddClientFinals (scram.md 9.7 step 2.2): odd client-finals are
// AUTH_ERR and use the exchange up.
func TestSCRAMOddClientFinals(t *testing.T) {
	t.Parallel()
	f := newSCRAMFixture(t)
	c := f.ws(t)
	good := func() (string, string) { return c.MustSCRAMFirst(c.SCRAM("svc", f.raw, false)) }
	for i, mutate := range []func(final string) string{
		func(s string) string { return s + ",x=1" },
		func(s string) string { return strings.Replace(s, "c=biws", "c=eSws", 1) }, // y,,
		func(s string) string { return strings.Replace(s, "c=biws", "c=biws\n", 1) },
		func(s string) string { return strings.Replace(s, "c=biws", "c=", 1) },
		func(s string) string { return strings.Replace(s, ",r=", ",r=A", 1) },
		func(s string) string { return s[:len(s)-2] },
		func(s string) string { return s + strings.Repeat("A", 1100) },
		func(s string) string { return strings.Replace(s, ",p=", ",p=AAAA", 1) },
		func(s string) string { return "m=x," + s },
		func(s string) string { return strings.ToUpper(s[:1]) + s[1:] },
	} {
		final, _ := good()
		odd := mutate(final)
		if a, err := c.SCRAMStep(client.SCRAMClientFinal, odd); err != nil || a.ResponseType != "AUTH_ERR" {
			t.Errorf("%d: client-final %q: %+v %v, want AUTH_ERR", i, odd, a, err)
		}
		expectNotInProgress(t, c, final)
	}
	if _, err := c.LoginSCRAM(c.SCRAM("svc", f.raw, false)); err != nil {
		t.Fatalf("login after the odd messages: %v", err)
	}
}
