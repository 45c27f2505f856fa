package acceptance_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/apptest"
)

// FuzzProtocol sends arbitrary text messages to a real server, each
// followed by a probe call. The server must answer the probe on the same
// connection, or have closed it with one of the documented frame-limit
// codes; it must never crash or hang.
func FuzzProtocol(f *testing.F) {
	for _, tc := range protoCases {
		f.Add(tc.send)
	}
	for _, tc := range hostileCorpus() {
		if !tc.binary && tc.fragments == nil && len(tc.send) <= 8192 {
			f.Add(tc.send)
		}
	}
	f.Add(`{"jsonrpc":"2.0","id":1,"method":"auth.login_ex","params":[{"mechanism":"PASSWORD_PLAIN","username":"admin","password":"x"}]}`)
	f.Add(`{"jsonrpc":"2.0","id":1,"method":"core.get_jobs","params":[[["a","~","(x"]],{"order_by":["-a"]}]}`)
	srv := apptest.MustStart(f)
	var ws *websocket.Conn
	f.Fuzz(func(t *testing.T, msg string) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if ws == nil {
			var err error
			if ws, _, err = websocket.Dial(ctx, srv.WSURL("current"), nil); err != nil {
				t.Fatalf("dial: %v", err)
			}
			ws.SetReadLimit(-1)
		}
		probe := []byte(`{"jsonrpc":"2.0","id":"probe","method":"core.ping"}`)
		if ws.Write(ctx, websocket.MessageText, []byte(msg)) != nil || ws.Write(ctx, websocket.MessageText, probe) != nil {
			ws = nil
			return
		}
		for {
			_, data, err := ws.Read(ctx)
			if err != nil {
				var ce websocket.CloseError
				if !errors.As(err, &ce) || (ce.Code != websocket.StatusInvalidFramePayloadData && ce.Code != websocket.StatusMessageTooBig) {
					t.Fatalf("message %q: connection ended with %v", msg, err)
				}
				ws = nil
				return
			}
			if apptest.Decode(t, data)["id"] == "probe" {
				return
			}
		}
	})
}
