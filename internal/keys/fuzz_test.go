package keys_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/keys"
)

// rawKeyRE is the format clients may validate with (api-keys.md 9).
var rawKeyRE = regexp.MustCompile(`^\d+-[A-Za-z0-9]{64}$`)

// FuzzParseKey checks Parse against the documented format: it never
// panics; it accepts exactly the texts matching ^\d+-[A-Za-z0-9]{64}$
// whose id fits in an int64; an accepted key round-trips through Format
// (to itself when its id has no leading zeros); and ParseID, which
// auth.login_with_api_key uses to find the key, reads the same id.
func FuzzParseKey(f *testing.F) {
	secret := strings.Repeat("aZ9", 21) + "q"
	for _, seed := range []string{
		keys.Format(7, secret), keys.Format(0, secret), keys.Format(9223372036854775807, secret),
		"9223372036854775808-" + secret, "007-" + secret, "-7-" + secret, "+7-" + secret, "7--" + secret[1:],
		"7-" + secret + "\n", "7-" + secret[:63] + "é", "7-" + secret[:63], "7-" + secret + "a", "", "-", "7",
		"٧-" + secret, "7-" + strings.Repeat("\x00", 64), " 7-" + secret, "1_0-" + secret, "0x7-" + secret,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		id, sec, ok := keys.Parse(raw)
		want := rawKeyRE.MatchString(raw)
		if want {
			_, err := strconv.ParseInt(raw[:strings.IndexByte(raw, '-')], 10, 64)
			want = err == nil
		}
		if ok != want {
			t.Fatalf("Parse(%q) ok = %v, want %v", raw, ok, want)
		}
		if !ok {
			if id != 0 || sec != "" {
				t.Fatalf("Parse(%q) refused but returned %d %q", raw, id, sec)
			}
			return
		}
		formatted := keys.Format(id, sec)
		if id2, sec2, ok2 := keys.Parse(formatted); !ok2 || id2 != id || sec2 != sec {
			t.Fatalf("Format(Parse(%q)) = %q does not parse back", raw, formatted)
		}
		if canonical := raw[0] != '0' || raw[1] == '-'; canonical && formatted != raw {
			t.Fatalf("Format(Parse(%q)) = %q", raw, formatted)
		}
		if !strings.HasSuffix(raw, "-"+sec) || id < 0 {
			t.Fatalf("Parse(%q) = %d %q", raw, id, sec)
		}
		if pid, ok := keys.ParseID(raw); !ok || pid != id {
			t.Fatalf("ParseID(%q) = %d %v, Parse gives %d", raw, pid, ok, id)
		}
		if r := keys.Redact(raw); r != raw[:strings.IndexByte(raw, '-')+1]+"********" {
			t.Fatalf("Redact(%q) = %q", raw, r)
		}
	})
}

// TestFormatParse checks the round trip for generated secrets at the
// extremes of the id range.
func TestFormatParse(t *testing.T) {
	for _, id := range []int64{0, 1, 10, 9223372036854775807} {
		s := keys.NewSecret()
		raw := keys.Format(id, s)
		if !rawKeyRE.MatchString(raw) {
			t.Fatalf("Format(%d) = %q", id, raw)
		}
		if got, sec, ok := keys.Parse(raw); !ok || got != id || sec != s {
			t.Fatalf("Parse(%q) = %d %q %v", raw, got, sec, ok)
		}
	}
}
