package client_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/client"
)

// fakeServer answers auth.login_ex with the 2.8 vectors (no SCRAM code of
// its own) and records the login_ex params and the methods called.
type fakeServer struct {
	serverFinal string // what the final step answers
	mu          sync.Mutex
	params      []map[string]any
	methods     []string
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer ws.CloseNow()
	for {
		_, data, err := ws.Read(r.Context())
		if err != nil {
			return
		}
		var req struct {
			ID     json.RawMessage  `json:"id"`
			Method string           `json:"method"`
			Params []map[string]any `json:"params"`
		}
		_ = json.Unmarshal(data, &req)
		f.mu.Lock()
		f.methods = append(f.methods, req.Method)
		var result any = true
		if req.Method == "auth.login_ex" && len(req.Params) == 1 {
			f.params = append(f.params, req.Params[0])
			result = f.answer(req.Params[0])
		}
		f.mu.Unlock()
		out, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": req.ID, "result": result})
		if ws.Write(r.Context(), websocket.MessageText, out) != nil {
			return
		}
	}
}

func (f *fakeServer) answer(p map[string]any) any {
	switch {
	case p["scram_type"] == "CLIENT_FIRST_MESSAGE" && p["rfc_str"] == vecFirst:
		return map[string]any{"response_type": "SCRAM_RESPONSE", "scram_type": "SERVER_FIRST_RESPONSE", "rfc_str": vecServerFirst, "user_info": nil}
	case p["scram_type"] == "CLIENT_FINAL_MESSAGE" && p["rfc_str"] == vecFinal:
		return map[string]any{"response_type": "SCRAM_RESPONSE", "scram_type": "SERVER_FINAL_RESPONSE", "rfc_str": f.serverFinal,
			"user_info": map[string]any{"pw_name": "svc"}}
	}
	return map[string]any{"response_type": "AUTH_ERR"}
}

func wsURL(srv *httptest.Server) string {
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/api/v26.0.0"
}

// TestLoginSCRAMWire: both client types log in with two auth.login_ex
// calls of exactly {mechanism, scram_type, rfc_str}; a wrong server
// signature fails and logs the session out; AUTH_ERR names its step.
func TestLoginSCRAMWire(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"Conn", "Client"} {
		login := func(t *testing.T, f *fakeServer, s *client.SCRAM) (client.SCRAMAnswer, error) {
			srv := httptest.NewServer(f)
			t.Cleanup(srv.Close)
			if name == "Conn" {
				c, err := client.DialConn(ctx, wsURL(srv), nil)
				if err != nil {
					t.Fatal(err)
				}
				defer c.CloseNow()
				return c.LoginSCRAM(ctx, s)
			}
			c, err := client.Dial(ctx, wsURL(srv), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.CloseNow()
			return c.LoginSCRAM(ctx, s)
		}
		t.Run(name+"OK", func(t *testing.T) {
			f := &fakeServer{serverFinal: vecServerFinal}
			a, err := login(t, f, &client.SCRAM{User: "svc", Key: rawKey(t), Nonce: seq(0, 32)})
			if err != nil || string(a.UserInfo) != `{"pw_name":"svc"}` {
				t.Fatalf("LoginSCRAM = %+v, %v", a, err)
			}
			want := []map[string]any{
				{"mechanism": "SCRAM", "scram_type": "CLIENT_FIRST_MESSAGE", "rfc_str": vecFirst},
				{"mechanism": "SCRAM", "scram_type": "CLIENT_FINAL_MESSAGE", "rfc_str": vecFinal},
			}
			got, _ := json.Marshal(f.params)
			if w, _ := json.Marshal(want); string(got) != string(w) {
				t.Fatalf("params %s", got)
			}
		})
		t.Run(name+"ErrServerSignature", func(t *testing.T) {
			f := &fakeServer{serverFinal: vecBoundServerFinal}
			_, err := login(t, f, &client.SCRAM{User: "svc", Key: rawKey(t), Nonce: seq(0, 32)})
			f.mu.Lock()
			defer f.mu.Unlock()
			if !errors.Is(err, client.ErrServerSignature) || f.methods[len(f.methods)-1] != "auth.logout" {
				t.Fatalf("LoginSCRAM = %v; calls %v", err, f.methods)
			}
		})
		t.Run(name+"ErrAuthAtFirst", func(t *testing.T) {
			f := &fakeServer{serverFinal: vecServerFinal}
			_, err := login(t, f, &client.SCRAM{User: "svc", Key: rawKey(t), Nonce: seq(1, 32)})
			var se *client.SCRAMError
			if !errors.As(err, &se) || se.Step != client.SCRAMClientFirst || se.ResponseType != "AUTH_ERR" || !errors.Is(err, client.ErrLogin) {
				t.Fatalf("LoginSCRAM = %v", err)
			}
		})
		t.Run(name+"ErrAuthAtFinal", func(t *testing.T) {
			f := &fakeServer{serverFinal: vecServerFinal}
			_, err := login(t, f, &client.SCRAM{User: "svc", Key: rawKey(t), Binding: seq(0x40, 32), Flag: "n", Nonce: seq(0, 32)})
			if err != nil {
				t.Fatalf("flag n with binding bytes: %v", err)
			}
			s := &client.SCRAM{User: "svc", Key: rawKey(t), Flag: "y", Nonce: seq(0, 32)}
			if _, err := login(t, f, s); err == nil {
				t.Fatal("a y client-first logged in")
			}
		})
	}
}

// TestTLSBinding: a wss:// connection exposes its TLS state, whose server
// certificate gives the tls-server-end-point binding; ws:// has none.
func TestTLSBinding(t *testing.T) {
	ctx := context.Background()
	srv := httptest.NewTLSServer(&fakeServer{})
	defer srv.Close()
	opts := &websocket.DialOptions{HTTPClient: srv.Client()}
	c, err := client.DialConn(ctx, wsURL(srv), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	cert := srv.Certificate()
	if cert.SignatureAlgorithm.String() != "SHA256-RSA" {
		t.Fatalf("httptest certificate signed with %v", cert.SignatureAlgorithm)
	}
	want := sha256.Sum256(cert.Raw)
	got, err := client.ServerEndPoint(c.TLS())
	if err != nil || string(got) != string(want[:]) {
		t.Fatalf("ServerEndPoint = %x, %v", got, err)
	}
	mc, err := client.Dial(ctx, wsURL(srv), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer mc.CloseNow()
	if got, err := client.ServerEndPoint(mc.TLS()); err != nil || string(got) != string(want[:]) {
		t.Fatalf("Client: ServerEndPoint = %x, %v", got, err)
	}
	plain := httptest.NewServer(&fakeServer{})
	defer plain.Close()
	pc, err := client.DialConn(ctx, wsURL(plain), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.CloseNow()
	if _, err := client.ServerEndPoint(pc.TLS()); pc.TLS() != nil || err == nil || !strings.Contains(err.Error(), "not TLS") {
		t.Fatalf("ws://: TLS %v, %v", pc.TLS(), err)
	}
}
