package keys

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Pepper is a server-side HMAC key, kept outside the database.
type Pepper struct {
	ID  string // 1-16 characters of [a-z0-9]
	Key []byte // 32 bytes
}

// Peppers is the set of known peppers; the last one is current.
type Peppers []Pepper

// Current returns the pepper new hashes use.
func (ps Peppers) Current() Pepper { return ps[len(ps)-1] }

// Find returns the pepper with that id.
func (ps Peppers) Find(id string) (Pepper, bool) {
	for _, p := range ps {
		if p.ID == id {
			return p, true
		}
	}
	return Pepper{}, false
}

var pepperID = regexp.MustCompile(`^[a-z0-9]{1,16}$`)

func parsePepper(id, b64 string) (Pepper, error) {
	if !pepperID.MatchString(id) {
		return Pepper{}, fmt.Errorf("pepper id %q is not 1-16 characters of a-z and 0-9", id)
	}
	key, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(key) != 32 {
		return Pepper{}, fmt.Errorf("pepper %s: not 32 bytes of standard base64", id)
	}
	return Pepper{ID: id, Key: key}, nil
}

// ParseEnv reads KEYWARD_PEPPER: "<id>:<base64>" entries separated by ','.
func ParseEnv(v string) (Peppers, error) {
	var ps Peppers
	for _, entry := range strings.Split(v, ",") {
		id, b64, ok := strings.Cut(strings.TrimSpace(entry), ":")
		if !ok {
			return nil, errors.New("KEYWARD_PEPPER: each entry is <id>:<base64>")
		}
		p, err := parsePepper(id, b64)
		if err != nil {
			return nil, fmt.Errorf("KEYWARD_PEPPER: %w", err)
		}
		if _, dup := ps.Find(p.ID); dup {
			return nil, fmt.Errorf("KEYWARD_PEPPER: %w", duplicateID(p.ID))
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// duplicateID is the error for a pepper id given twice. Hashing would use
// one pepper and verifying the other, and the pepper check would refuse
// the next start as if the pepper were another database's.
func duplicateID(id string) error {
	return fmt.Errorf("pepper id %q appears twice: give every pepper its own id", id)
}

// ErrNoPepperFile means the pepper file does not exist.
var ErrNoPepperFile = errors.New("no pepper file")

// ReadFile reads a pepper file: one "<id> <base64>" per line, the last one
// current. The file must have mode 0600.
func ReadFile(path string) (Peppers, error) {
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoPepperFile
	}
	if err != nil {
		return nil, err
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		return nil, fmt.Errorf("%s (mode %#o): pepper file must have mode 0600", path, perm)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ps Peppers
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("%s line %d: want \"<id> <base64>\"", path, n+1)
		}
		p, err := parsePepper(f[0], f[1])
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, n+1, err)
		}
		if _, dup := ps.Find(p.ID); dup {
			return nil, fmt.Errorf("%s line %d: %w", path, n+1, duplicateID(p.ID))
		}
		ps = append(ps, p)
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("%s holds no pepper", path)
	}
	return ps, nil
}

// Generate makes a pepper with a random 8-hex-character id.
func Generate() Pepper {
	id := make([]byte, 4)
	key := make([]byte, 32)
	_, _ = rand.Read(id)
	_, _ = rand.Read(key)
	return Pepper{ID: hex.EncodeToString(id), Key: key}
}

// WriteFile creates a pepper file with mode 0600 holding p; it fails if the
// file exists.
func WriteFile(path string, p Pepper) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "%s %s\n", p.ID, base64.StdEncoding.EncodeToString(p.Key))
	return errors.Join(err, f.Close())
}
