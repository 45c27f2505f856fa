package rpc_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/client"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
)

// TestNewestOnlyField shows what adding an entry field for the newest API
// version only takes: the field in the newest result schema and in the
// value the handler returns (the domain). The older version's schema,
// which does not declare it, is all the engine needs to leave it out of
// that version's answers and events; no handler knows about versions.
func TestNewestOnlyField(t *testing.T) {
	t.Parallel()
	older := schema.Object(schema.Req("id", schema.Int()), schema.Req("owner", schema.String()))
	newest := schema.Object(schema.Req("id", schema.Int()), schema.Req("owner", schema.String().OrNull()),
		schema.Req("last_used_at", schema.Int().OrNull()))
	entry := map[string]any{"id": int64(1), "owner": nil, "last_used_at": int64(42)}
	reg := rpc.NewRegistry()
	reg.Register(&rpc.Method{
		Name: "test.entry", Summary: "An entry.", Result: newest, Access: rpc.NoAuth, NoRateLimit: true,
		Versions: map[keyward.Version]rpc.VersionSpec{keyward.V25_04: {Result: older}},
		Handler:  func(context.Context, *rpc.Call) (any, error) { return entry, nil },
	})
	srv := rpc.NewServer(rpc.Config{Registry: reg})
	h := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, _ := keyward.ParseVersion(strings.TrimPrefix(r.URL.Path, "/api/"))
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		srv.Serve(ws, v, srv.Admit(keyward.Origin{Addr: netip.MustParseAddrPort(r.RemoteAddr)}))
	}))
	t.Cleanup(func() { srv.Shutdown(); h.Close() })
	for v, want := range map[keyward.Version]string{
		keyward.Current: `{"id":1,"last_used_at":42,"owner":null}`,
		keyward.V25_04:  `{"id":1,"owner":""}`,
	} {
		c, err := client.DialConn(t.Context(), "ws"+strings.TrimPrefix(h.URL, "http")+"/api/"+string(v), nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := c.Call(t.Context(), "test.entry")
		if err != nil {
			t.Fatal(err)
		}
		var got any
		_ = json.Unmarshal(r.Result, &got)
		if b, _ := json.Marshal(got); string(b) != want {
			t.Errorf("%s: %s, want %s", v, b, want)
		}
		_ = c.CloseNow()
	}
}
