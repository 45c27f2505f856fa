package acceptance_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/client"
	"github.com/keyward/keyward/internal/config"
)

// TestSCRAMAudit (scram.md 9.10, difference S10): one AUTHENTICATION
// record per attempt that ends: a failure at either step names SCRAM, the
// user of n= (null when unparsed) and the key it named (null when there is
// none) with the step's reason; a success is a key login's record; a
// server-first alone writes nothing.
func TestSCRAMAudit(t *testing.T) {
	t.Parallel()
	f := newSCRAMFixture(t)
	c := f.ws(t)
	step := func(typ, msg string) client.SCRAMAnswer {
		t.Helper()
		a, err := c.SCRAMStep(typ, msg)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	step(client.SCRAMClientFirst, "n,,n=svc:1,r=short")                                          // malformed
	step(client.SCRAMClientFirst, c.SCRAM("svc", f.raw, false).First()[:3]+"n=svc,r="+nonce44()) // no key id
	wrong := c.SCRAM("svc", apptest.WrongSecret(f.raw), false)
	final, err := wrong.Final(step(client.SCRAMClientFirst, wrong.First()).RFCStr)
	if err != nil {
		t.Fatal(err)
	}
	step(client.SCRAMClientFinal, final)                                                          // wrong secret
	step(client.SCRAMClientFirst, c.SCRAM("svc", "424242-"+f.raw[len(f.raw)-64:], false).First()) // pending only
	if _, err := c.LoginSCRAM(c.SCRAM("svc", f.raw, false)); err != nil {
		t.Fatal(err)
	}

	recs := f.admin.MustResult("audit.query", map[string]any{"query-filters": []any{[]any{"event", "=", "AUTHENTICATION"}},
		"query-options": map[string]any{"limit": 1000, "order_by": []any{"timestamp"}}}).([]any)
	var got []string
	for _, r := range recs {
		ed := r.(map[string]any)["event_data"].(map[string]any)
		creds, _ := ed["credentials"].(map[string]any)
		if data, _ := creds["credentials_data"].(map[string]any); data["username"] == "admin" {
			continue // the fixture's own logins
		}
		got = append(got, apptest.String(creds)+" "+apptest.String(ed["error"]))
	}
	key := `{"id":` + itoa(int(f.id)) + `,"name":"svc-key"}`
	want := []string{
		`{"credentials":"SCRAM","credentials_data":{"api_key":null,"username":null}} "Malformed SCRAM message"`,
		`{"credentials":"SCRAM","credentials_data":{"api_key":null,"username":"svc"}} "SCRAM is only available for API keys"`,
		`{"credentials":"SCRAM","credentials_data":{"api_key":` + key + `,"username":"svc"}} "Invalid API key"`,
	}
	if len(got) != 4 || strings.Join(got[:3], "\n") != strings.Join(want, "\n") {
		t.Fatalf("records:\n%s\nwant the three failures:\n%s\nthen the success", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.HasPrefix(got[3], `{"credentials":"API_KEY","credentials_data":{"api_key":`+key) || !strings.HasSuffix(got[3], " null") {
		t.Fatalf("success record %s", got[3])
	}
	if strings.Contains(strings.Join(got, ""), "p=") {
		t.Fatal("a record holds a client proof")
	}
}

// nonce44 is a well-formed client nonce.
func nonce44() string { return "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" }

// TestSCRAMOwnerRefused (scram.md 9.7 step 7): the right proof for a key
// whose owner is locked, or has no roles, is AUTH_ERR (SCRAM never
// answers DENIED).
func TestSCRAMOwnerRefused(t *testing.T) {
	t.Parallel()
	f := newSCRAMFixture(t)
	apptest.MustUserWithRoles(t, f.admin, "nobody", "pw-nobody", "READONLY_ADMIN")
	_, raw := apptest.MustCreateKey(t, f.admin, "roleless", "nobody")
	priv := f.admin.MustResult("privilege.query", []any{[]any{"name", "=", "priv-nobody"}}, map[string]any{"get": true}).(map[string]any)
	f.admin.MustResult("privilege.delete", priv["id"])
	c := f.ws(t)
	if _, err := c.LoginSCRAM(c.SCRAM("nobody", raw, false)); !isRefusal(err, "AUTH_ERR", client.SCRAMClientFinal) {
		t.Fatalf("owner without roles: %v, want AUTH_ERR at the client-final", err)
	}
	svc := f.admin.MustResult("user.query", []any{[]any{"username", "=", "svc"}}, map[string]any{"get": true}).(map[string]any)
	f.admin.MustResult("user.update", svc["id"], map[string]any{"locked": true})
	if _, err := c.LoginSCRAM(c.SCRAM("svc", f.raw, false)); !isRefusal(err, "AUTH_ERR", client.SCRAMClientFinal) {
		t.Fatalf("locked owner: %v, want AUTH_ERR at the client-final", err)
	}
}

func isRefusal(err error, resp, step string) bool {
	r, s := scramRefusal(err)
	return r == resp && s == step
}

// TestSCRAMProxyBinding (scram.md 9.8): through a trusted proxy reporting
// https, a bound exchange needs scram_binding_cert, the certificate the
// proxy presents; without it only unbound SCRAM works there.
func TestSCRAMProxyBinding(t *testing.T) {
	t.Parallel()
	certPath, cert := writeCert(t, false)
	binding, err := client.ServerEndPoint(&tls.ConnectionState{PeerCertificates: []*x509.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OKWithBindingCert", func(t *testing.T) {
		f := newSCRAMFixture(t, trustLoopbackProxy, func(c *config.Config) { c.SCRAMBindingCert = certPath })
		c := apptest.MustDialHeader(t, f.srv.WSURL("v26.0.0"), tlsProxy)
		s := c.SCRAM("svc", f.raw, false)
		s.Binding = binding
		if _, err := c.LoginSCRAM(s); err != nil {
			t.Fatalf("bound through the proxy: %v", err)
		}
		// A client of the plain listener that no proxy vouches for has none.
		p := f.ws(t)
		s = p.SCRAM("svc", f.raw, false)
		s.Binding = binding
		if _, err := p.LoginSCRAM(s); !isRefusal(err, "AUTH_ERR", client.SCRAMClientFirst) {
			t.Fatalf("bound on loopback ws://: %v", err)
		}
	})
	t.Run("ErrWithoutBindingCert", func(t *testing.T) {
		f := newSCRAMFixture(t, trustLoopbackProxy)
		c := apptest.MustDialHeader(t, f.srv.WSURL("v26.0.0"), tlsProxy)
		s := c.SCRAM("svc", f.raw, false)
		s.Binding = binding
		if _, err := c.LoginSCRAM(s); !isRefusal(err, "AUTH_ERR", client.SCRAMClientFirst) {
			t.Fatalf("bound through the proxy without scram_binding_cert: %v", err)
		}
		if _, err := c.LoginSCRAM(c.SCRAM("svc", f.raw, false)); err != nil {
			t.Fatalf("unbound through the proxy: %v", err)
		}
	})
}

// TestSCRAMEd25519Warning (scram.md 9.8): a served certificate whose
// algorithm gives no binding starts the server with a warning; bound
// clients then fail at step 1 and unbound ones log in.
func TestSCRAMEd25519Warning(t *testing.T) {
	t.Parallel()
	certPath, _ := writeCert(t, true)
	f := newSCRAMFixture(t, func(c *config.Config) {
		c.TLSSelfSigned, c.TLSCert, c.TLSKey = false, certPath, strings.TrimSuffix(certPath, ".crt")+".key"
	})
	if !strings.Contains(f.srv.Logs(), "gives no SCRAM channel binding") {
		t.Fatalf("no warning in the log:\n%s", f.srv.Logs())
	}
	c := f.wss(t)
	s := c.SCRAM("svc", f.raw, false)
	s.Flag, s.Binding = "p=tls-server-end-point", make([]byte, 32)
	if _, err := c.LoginSCRAM(s); !isRefusal(err, "AUTH_ERR", client.SCRAMClientFirst) {
		t.Fatalf("bound with an Ed25519 certificate: %v", err)
	}
	if _, err := c.LoginSCRAM(c.SCRAM("svc", f.raw, false)); err != nil {
		t.Fatalf("unbound: %v", err)
	}
}

// writeCert writes a self-signed certificate for 127.0.0.1 (ECDSA P-384
// with ECDSA-SHA384, or Ed25519) and its key as <dir>/tls.crt and
// <dir>/tls.key.
func writeCert(t *testing.T, ed bool) (string, *x509.Certificate) {
	t.Helper()
	var pub, priv any
	alg := x509.ECDSAWithSHA384
	if ed {
		p, k, _ := ed25519.GenerateKey(rand.Reader)
		pub, priv, alg = p, k, x509.PureEd25519
	} else {
		k, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		pub, priv = &k.PublicKey, k
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "proxy"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), SignatureAlgorithm: alg,
		DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certPath := filepath.Join(dir, "tls.crt")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tls.key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return certPath, cert
}

// TestSCRAMItem14StartRefusals (item 14): the real binary refuses to start
// with scram_iterations=49999, and with a scram_binding_cert that is not a
// certificate, naming the option. (tls_self_signed's ECDSA-SHA256:
// TestSelfSignedCertificateBinding.)
func TestSCRAMItem14StartRefusals(t *testing.T) {
	t.Parallel()
	bin := apptest.MustBuild(t)
	notCert := filepath.Join(t.TempDir(), "proxy.pem")
	if err := os.WriteFile(notCert, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--scram-iterations", "49999"}, "scram_iterations must be between 50000 and 5000000"},
		{[]string{"--scram-binding-cert", notCert, "--trusted-proxies", "10.0.0.0/8"}, "scram_binding_cert: " + notCert + " holds no PEM certificate"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		args := append(append([]string{"serve"}, apptest.FastServeArgs...), "--data-dir", filepath.Join(t.TempDir(), "data"))
		cmd := exec.CommandContext(ctx, bin, append(args, tc.args...)...)
		cmd.Env = apptest.CleanEnv()
		out, err := cmd.CombinedOutput()
		cancel()
		if err == nil || !strings.Contains(string(out), tc.want) {
			t.Errorf("%v: %v\n%s\nwant a refusal with %q", tc.args, err, out, tc.want)
		}
	}
}
