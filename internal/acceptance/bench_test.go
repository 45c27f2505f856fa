package acceptance_test

import (
	"context"
	"testing"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/apptest"
)

// BenchmarkPing measures authenticated core.ping round trips through the
// real server, 16 connections in parallel (profile with -cpuprofile).
func BenchmarkPing(b *testing.B) {
	srv := apptest.MustStart(b)
	admin := srv.MustSetupAdmin(b)
	_, raw := apptest.MustCreateKey(b, admin, "bench", "admin")
	msg := []byte(`{"jsonrpc":"2.0","id":1,"method":"core.ping"}`)
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		ws, _, err := websocket.Dial(ctx, srv.WSURL("current"), nil)
		if err != nil {
			b.Error(err)
			return
		}
		defer ws.CloseNow()
		login := []byte(`{"jsonrpc":"2.0","id":0,"method":"auth.login_ex","params":[{"mechanism":"API_KEY_PLAIN","username":"admin","api_key":"` + raw + `"}]}`)
		_ = ws.Write(ctx, websocket.MessageText, login)
		_, _, _ = ws.Read(ctx)
		for pb.Next() {
			if err := ws.Write(ctx, websocket.MessageText, msg); err != nil {
				b.Error(err)
				return
			}
			if _, _, err := ws.Read(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkKeyLogin measures connect + API-key login + close.
func BenchmarkKeyLogin(b *testing.B) {
	srv := apptest.MustStart(b)
	admin := srv.MustSetupAdmin(b)
	_, raw := apptest.MustCreateKey(b, admin, "bench", "admin")
	login := []byte(`{"jsonrpc":"2.0","id":0,"method":"auth.login_ex","params":[{"mechanism":"API_KEY_PLAIN","username":"admin","api_key":"` + raw + `"}]}`)
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			ws, _, err := websocket.Dial(ctx, srv.WSURL("current"), nil)
			if err != nil {
				b.Error(err)
				return
			}
			_ = ws.Write(ctx, websocket.MessageText, login)
			_, _, _ = ws.Read(ctx)
			_ = ws.Close(websocket.StatusNormalClosure, "")
		}
	})
}
