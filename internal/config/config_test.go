package config_test

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/config"
)

// load runs config.Load with the given environment and flags.
func load(t *testing.T, env map[string]string, args ...string) (*config.Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	c, _, err := config.Load(fs, args, lookup)
	return c, err
}

// mustWriteFile writes a config file and returns its path.
func mustWriteFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keyward.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPrecedence(t *testing.T) {
	file := mustWriteFile(t, `listen = "127.0.0.1:1001"`+"\n")
	tests := []struct {
		name     string
		file     bool
		env      string
		flag     string
		want     string
		wantFrom string
	}{
		{"Default", false, "", "", "127.0.0.1:6000", config.FromDefault},
		{"File", true, "", "", "127.0.0.1:1001", config.FromFile},
		{"EnvOverFile", true, "127.0.0.1:1002", "", "127.0.0.1:1002", config.FromEnv},
		{"FlagOverEnvAndFile", true, "127.0.0.1:1002", "127.0.0.1:1003", "127.0.0.1:1003", config.FromFlag},
		{"FlagOverFile", true, "", "127.0.0.1:1003", "127.0.0.1:1003", config.FromFlag},
		{"EnvAlone", false, "127.0.0.1:1002", "", "127.0.0.1:1002", config.FromEnv},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			var args []string
			if tt.file {
				args = append(args, "--config", file)
			}
			if tt.env != "" {
				env["KEYWARD_LISTEN"] = tt.env
			}
			if tt.flag != "" {
				args = append(args, "--listen", tt.flag)
			}
			c, err := load(t, env, args...)
			if err != nil {
				t.Fatal(err)
			}
			if c.Listen != tt.want || c.Source("listen") != tt.wantFrom {
				t.Errorf("listen = %q from %s, want %q from %s", c.Listen, c.Source("listen"), tt.want, tt.wantFrom)
			}
		})
	}
	t.Run("FileFromEnv", func(t *testing.T) {
		c, err := load(t, map[string]string{"KEYWARD_CONFIG": file})
		if err != nil || c.Listen != "127.0.0.1:1001" || c.File != file {
			t.Fatalf("KEYWARD_CONFIG: %v %+v", err, c)
		}
	})
}

func TestFileValues(t *testing.T) {
	file := mustWriteFile(t, `
# every kind of value
data_dir = "/var/lib/keyward"
rate_limit_calls = 5
tls_listen = "127.0.0.1:6443"
tls_self_signed = true
trusted_proxies = ["10.0.0.0/8", "192.0.2.1/32"]
rate_limit_window = "30s"
login_fail_delay = "500ms-1s"
`)
	c, err := load(t, nil, "--config", file)
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/var/lib/keyward" || c.RateLimitCalls != 5 || !c.TLSSelfSigned ||
		len(c.TrustedProxies) != 2 || c.TrustedProxies[1].String() != "192.0.2.1/32" ||
		c.RateLimitWindow.String() != "30s" || c.LoginFailDelay.String() != "500ms-1s" {
		t.Errorf("read %+v", c)
	}
}

// TestErrorsNameTheSetting: every refusal names the setting and where its
// value came from.
func TestErrorsNameTheSetting(t *testing.T) {
	tests := []struct {
		name string
		file string // config file text, if any
		env  map[string]string
		args []string
		want string // the error contains this; FILE stands for the file's path
	}{
		{"ErrUnknownKey", `lisen = "x"`, nil, nil, `config FILE: unknown setting "lisen"`},
		{"ErrTable", "[server]\nlisten = \"x\"", nil, nil, `config FILE: unknown setting "server"`},
		{"ErrBadValueInFile", `rate_limit_calls = "many"`, nil, nil, `rate_limit_calls (in FILE): strconv.Atoi`},
		{"ErrFloat", `rate_limit_calls = 1.5`, nil, nil, `config FILE: rate_limit_calls: want a string, integer, boolean or list of strings, not float64`},
		{"ErrListOfNumbers", `trusted_proxies = [1, 2]`, nil, nil, `config FILE: trusted_proxies: list items must be strings`},
		{"ErrSyntax", `listen = `, nil, nil, `config FILE: toml:`},
		{"ErrMissingFile", "", map[string]string{"KEYWARD_CONFIG": "/nonexistent/keyward.toml"}, nil, `config: open /nonexistent/keyward.toml`},
		{"ErrEnv", "", map[string]string{"KEYWARD_RATE_LIMIT_WINDOW": "soon"}, nil, `rate_limit_window (from KEYWARD_RATE_LIMIT_WINDOW): time: invalid duration`},
		{"ErrFlag", "", nil, []string{"--argon2", "m=1"}, `argon2: `},
		{"ErrValidation", `log_format = "xml"`, nil, nil, `log_format: "xml" is not text or json`},
		{"ErrSCRAMIterationsLow", "", nil, []string{"--scram-iterations", "49999"}, `scram_iterations must be between 50000 and 5000000`},
		{"ErrSCRAMIterationsHigh", `scram_iterations = 5000001`, nil, nil, `scram_iterations must be between 50000 and 5000000`},
		{"ErrSCRAMBindingCertNoProxy", "", map[string]string{"KEYWARD_SCRAM_BINDING_CERT": "/x.pem"}, nil, `scram_binding_cert: needs trusted_proxies`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args, want := tt.args, tt.want
			if tt.file != "" {
				path := mustWriteFile(t, tt.file)
				args = append([]string{"--config", path}, args...)
				want = strings.ReplaceAll(want, "FILE", path)
			}
			_, err := load(t, tt.env, args...)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v, want one containing %q", err, want)
			}
		})
	}
}

// TestPrintRoundTrip: the printed settings, read back as a config file,
// give the same settings; the pepper never appears.
func TestPrintRoundTrip(t *testing.T) {
	pepper := "a1:" + strings.Repeat("Q", 43) + "="
	env := map[string]string{"KEYWARD_PEPPER": pepper, "KEYWARD_LOG_LEVEL": "debug"}
	file := mustWriteFile(t, "trusted_proxies = [\"10.0.0.0/8\"]\ntimezone = \"Europe/Paris\"\n")
	c, err := load(t, env, "--config", file, "--rate-limit-delay", "2s-3s", "--tls-listen", "127.0.0.1:6443", "--tls-self-signed")
	if err != nil {
		t.Fatal(err)
	}
	first := printed(t, c)
	for _, want := range []string{`log_level = "debug"  # env`, `trusted_proxies = "10.0.0.0/8"  # file`,
		`rate_limit_delay = "2s-3s"  # flag`, `tls_self_signed = true  # flag`, `listen = "127.0.0.1:6000"  # default`,
		"# pepper: ******** (from KEYWARD_PEPPER)"} {
		if !strings.Contains(first, want) {
			t.Errorf("config print lacks %q:\n%s", want, first)
		}
	}
	if strings.Contains(first, strings.Repeat("Q", 43)) {
		t.Errorf("config print shows the pepper:\n%s", first)
	}
	again, err := load(t, nil, "--config", mustWriteFile(t, first))
	if err != nil {
		t.Fatalf("read back: %v\n%s", err, first)
	}
	if values(printed(t, again)) != values(first) {
		t.Errorf("round trip changed the settings:\n%s\nvs\n%s", first, printed(t, again))
	}
}

func printed(t *testing.T, c *config.Config) string {
	t.Helper()
	var b strings.Builder
	if err := c.Print(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// values keeps the setting lines of printed settings, without sources.
func values(text string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if v, _, ok := strings.Cut(line, "  # "); ok && !strings.HasPrefix(line, "#") {
			out = append(out, v)
		}
	}
	return strings.Join(out, "\n")
}
