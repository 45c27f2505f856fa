package app_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"

	"github.com/keyward/keyward/internal/app"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// startErr tries to build a server on dir and returns why it cannot start.
func startErr(dir string) (*app.App, error) {
	cfg := config.Default()
	cfg.DataDir, cfg.Listen, cfg.Argon2 = dir, "127.0.0.1:0", apptest.FastArgon2
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err == nil {
		_ = a.Shutdown(context.Background())
	}
	return a, err
}

// apptestNumber is how a decoded response shows an integer.
func apptestNumber(i int64) any { return json.Number(strconv.FormatInt(i, 10)) }
