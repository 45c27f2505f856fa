package bench

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"time"

	"github.com/coder/websocket"
)

// ServeEcho runs the baseline: a WebSocket server built with the same
// library, answering every message with itself. It prints its address and
// serves until ctx ends (the bench runs it as a process of its own).
func ServeEcho(ctx context.Context) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("Keyward listening on http://%s (echo)\n", l.Addr())
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(echo)}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.Serve(l); err != http.ErrServerClosed {
		return err
	}
	return nil
}

func echo(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true, CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return
	}
	defer ws.CloseNow()
	ws.SetReadLimit(-1)
	for {
		typ, data, err := ws.Read(context.Background())
		if err != nil {
			return
		}
		if ws.Write(context.Background(), typ, data) != nil {
			return
		}
	}
}

// startEcho runs the echo server in its own process, as the Keyward server
// is, so both baselines pay the same process boundaries.
func startEcho(ctx context.Context) (*server, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, "bench", "--echo-server")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd}
	if s.addr, err = listenAddr(out); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}
