package config_test

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestConnectionLimits: allowed_origins, auth_timeout and
// max_unauthenticated_per_address have the defaults of the security issue,
// come from every source, and a bad value fails naming its option.
func TestConnectionLimits(t *testing.T) {
	t.Run("OKDefaults", func(t *testing.T) {
		c, err := load(t, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.AllowedOrigins) != 0 || c.AuthTimeout != time.Minute || c.MaxUnauthenticatedPerAddress != 64 {
			t.Fatalf("defaults %v %v %d", c.AllowedOrigins, c.AuthTimeout, c.MaxUnauthenticatedPerAddress)
		}
	})
	t.Run("OKSources", func(t *testing.T) {
		file := mustWriteFile(t, `allowed_origins = ["https://a.example", "http://10.0.0.5:8080"]`+"\n")
		c, err := load(t, map[string]string{"KEYWARD_AUTH_TIMEOUT": "0"},
			"--config", file, "--max-unauthenticated-per-address", "0")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c.AllowedOrigins, []string{"https://a.example", "http://10.0.0.5:8080"}) ||
			c.AuthTimeout != 0 || c.MaxUnauthenticatedPerAddress != 0 {
			t.Fatalf("got %v %v %d", c.AllowedOrigins, c.AuthTimeout, c.MaxUnauthenticatedPerAddress)
		}
	})
	for _, tc := range []struct{ name, flag, value, want string }{
		{"ErrOriginPath", "--allowed-origins", "https://a.example/ui", `allowed_origins: "https://a.example/ui" is not an origin`},
		{"ErrOriginNoScheme", "--allowed-origins", "a.example", `allowed_origins: "a.example" is not an origin`},
		{"ErrOriginNull", "--allowed-origins", "null", `allowed_origins: "null" is not an origin`},
		{"ErrOriginEmptyPort", "--allowed-origins", "https://a.example:", `allowed_origins: "https://a.example:" is not an origin`},
		{"ErrAuthTimeoutNegative", "--auth-timeout", "-1s", "auth_timeout: must be 0 (off) or positive"},
		{"ErrAuthTimeoutText", "--auth-timeout", "soon", "auth_timeout"},
		{"ErrCapNegative", "--max-unauthenticated-per-address", "-1", "max_unauthenticated_per_address: must be 0 (off) or more"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, nil, tc.flag, tc.value)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%s %s: %v, want %q", tc.flag, tc.value, err, tc.want)
			}
		})
	}
}
