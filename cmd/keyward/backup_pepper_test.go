package main

import (
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/sqlite"
)

// TestPepperWarning covers the restore warning about peppers the restored
// keys need.
func TestPepperWarning(t *testing.T) {
	withFile := t.TempDir()
	if err := keys.WriteFile(filepath.Join(withFile, "pepper"), keys.Pepper{ID: "p1", Key: make([]byte, 32)}); err != nil {
		t.Fatal(err)
	}
	other := "p2:" + base64.StdEncoding.EncodeToString(make([]byte, 32))
	needP1 := &sqlite.Info{Peppers: map[string]int64{"p1": 3, "": 1}}
	for name, tc := range map[string]struct {
		dir, env string
		info     *sqlite.Info
		want     string
	}{
		"OKNoKeyedHashes": {dir: t.TempDir(), info: &sqlite.Info{Peppers: map[string]int64{"": 2}}},
		"OKPepperFile":    {dir: withFile, info: needP1},
		"ErrNoPepper":     {dir: t.TempDir(), info: needP1, want: "3 API keys need a pepper, but "},
		"ErrOtherPepper":  {dir: withFile, env: other, info: needP1, want: "lacks pepper p1 (needed by 3 keys)"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := &config.Config{DataDir: tc.dir, Pepper: tc.env}
			got := pepperWarning(cfg, tc.info)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("warning %q, want %q", got, tc.want)
			}
		})
	}
}
