package client

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The limits a TrueNAS client enforces on a server-first (scram.md 2.4, 8).
const (
	scramMinIterations = 50_000
	scramMaxIterations = 5_000_000
	scramMaxSalt       = 1024
	scramNonceLen      = 32
)

// ErrServerSignature is a server-final whose signature does not verify:
// the server does not hold the key's ServerKey (the official client's
// text).
var ErrServerSignature = errors.New("Remote server validation failed!")

// SCRAMKey is the credential of a SCRAM login: a raw key's id and secret,
// or a precomputed key (scram.md 5.2: the client then skips PBKDF2).
type SCRAMKey struct {
	ID        int64
	Secret    string // the 64 characters after the raw key's '-'; "" when precomputed
	ClientKey []byte
	StoredKey []byte
	ServerKey []byte
}

// ParseSCRAMKey reads a raw key "<id>-<secret>", or the JSON of a
// precomputed key file {"api_key_id", "client_key", "stored_key",
// "server_key"} with the three keys in base64 (other members are ignored).
func ParseSCRAMKey(s string) (SCRAMKey, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "{") {
		idText, secret, ok := strings.Cut(s, "-")
		id, err := strconv.ParseInt(idText, 10, 64)
		if !ok || err != nil || id <= 0 || secret == "" {
			return SCRAMKey{}, errors.New("not a raw API key <id>-<secret> nor a JSON key file")
		}
		return SCRAMKey{ID: id, Secret: secret}, nil
	}
	var f struct {
		ID        *int64 `json:"api_key_id"`
		ClientKey []byte `json:"client_key"`
		StoredKey []byte `json:"stored_key"`
		ServerKey []byte `json:"server_key"`
	}
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		return SCRAMKey{}, fmt.Errorf("precomputed key file: %w", err)
	}
	if f.ID == nil || len(f.ClientKey) != sha512.Size || len(f.StoredKey) != sha512.Size || len(f.ServerKey) != sha512.Size {
		return SCRAMKey{}, errors.New("precomputed key file: api_key_id and 64-byte client_key, stored_key, server_key are required")
	}
	return SCRAMKey{ID: *f.ID, ClientKey: f.ClientKey, StoredKey: f.StoredKey, ServerKey: f.ServerKey}, nil
}

// SCRAM is the client side of one SCRAM-SHA-512 exchange (RFC 5802 with
// SHA-512, as TrueNAS 26 clients speak it: scram.md 2.4, 2.5, 3.1). Set
// the exported fields, then call First, Final and CheckServerFinal; the
// fields that tests set make messages no well-behaved client would send.
type SCRAM struct {
	User string
	Key  SCRAMKey
	// Binding is the tls-server-end-point binding to send (see
	// ServerEndPoint); nil makes an unbound exchange.
	Binding []byte
	// Flag overrides the gs2 flag: "n", "y" or "p=tls-server-end-point".
	// "" means "p=tls-server-end-point" with a Binding, else "n".
	Flag string
	// Nonce is the client nonce; nil draws 32 random bytes.
	Nonce []byte

	header, bare string
	serverSig    []byte
}

// First returns the client-first message.
func (s *SCRAM) First() string {
	if s.Nonce == nil {
		s.Nonce = make([]byte, scramNonceLen)
		_, _ = rand.Read(s.Nonce) // never fails (crypto/rand of Go 1.24+)
	}
	flag := s.Flag
	if flag == "" {
		flag = "n"
		if s.Binding != nil {
			flag = "p=tls-server-end-point"
		}
	}
	name := strings.NewReplacer("=", "=3D", ",", "=2C").Replace(s.User)
	s.header = flag + ",,"
	s.bare = "n=" + name + ":" + strconv.FormatInt(s.Key.ID, 10) + ",r=" + base64.StdEncoding.EncodeToString(s.Nonce)
	return s.header + s.bare
}

// Final checks a server-first as the TrueNAS clients do and returns the
// client-final with its proof. Call it after First.
func (s *SCRAM) Final(serverFirst string) (string, error) {
	nonce, salt, iterations, err := s.parseServerFirst(serverFirst)
	if err != nil {
		return "", err
	}
	clientKey, storedKey, serverKey, err := s.keys(salt, iterations)
	if err != nil {
		return "", err
	}
	cbind := []byte(s.header)
	if strings.HasPrefix(s.header, "p=") {
		cbind = append(cbind, s.Binding...)
	}
	withoutProof := "c=" + base64.StdEncoding.EncodeToString(cbind) + ",r=" + nonce
	authMessage := []byte(s.bare + "," + serverFirst + "," + withoutProof)
	proof := mac(storedKey, authMessage) // ClientSignature
	for i := range proof {
		proof[i] ^= clientKey[i]
	}
	s.serverSig = mac(serverKey, authMessage)
	return withoutProof + ",p=" + base64.StdEncoding.EncodeToString(proof), nil
}

// parseServerFirst reads exactly "r=<nonce>,s=<salt>,i=<count>".
func (s *SCRAM) parseServerFirst(msg string) (nonce string, salt []byte, iterations int, err error) {
	parts := strings.Split(msg, ",")
	if len(parts) != 3 || !strings.HasPrefix(parts[0], "r=") || !strings.HasPrefix(parts[1], "s=") ||
		!strings.HasPrefix(parts[2], "i=") {
		return "", nil, 0, fmt.Errorf("malformed server-first %q", msg)
	}
	nonce = parts[0][2:]
	combined, err := base64.StdEncoding.DecodeString(nonce)
	if err != nil || len(combined) != 2*scramNonceLen || !hmac.Equal(combined[:scramNonceLen], s.Nonce) {
		return "", nil, 0, fmt.Errorf("server-first nonce %q does not extend the client's", nonce)
	}
	salt, err = base64.StdEncoding.DecodeString(parts[1][2:])
	if err != nil || len(salt) == 0 || len(salt) > scramMaxSalt {
		return "", nil, 0, fmt.Errorf("server-first salt %q", parts[1][2:])
	}
	iterations, err = strconv.Atoi(parts[2][2:])
	if err != nil || iterations < scramMinIterations || iterations > scramMaxIterations {
		return "", nil, 0, fmt.Errorf("%s: iteration count outside [%d, %d]", parts[2][2:], scramMinIterations, scramMaxIterations)
	}
	return nonce, salt, iterations, nil
}

// keys returns ClientKey, StoredKey and ServerKey: precomputed, or
// derived from the secret with the server's salt and count.
func (s *SCRAM) keys(salt []byte, iterations int) (clientKey, storedKey, serverKey []byte, err error) {
	if s.Key.Secret == "" {
		if len(s.Key.ClientKey) != sha512.Size || len(s.Key.StoredKey) != sha512.Size || len(s.Key.ServerKey) != sha512.Size {
			return nil, nil, nil, errors.New("SCRAM key: no secret and no precomputed keys")
		}
		return s.Key.ClientKey, s.Key.StoredKey, s.Key.ServerKey, nil
	}
	salted, err := pbkdf2.Key(sha512.New, s.Key.Secret, salt, iterations, sha512.Size)
	if err != nil {
		return nil, nil, nil, err
	}
	clientKey = mac(salted, []byte("Client Key"))
	sum := sha512.Sum512(clientKey)
	return clientKey, sum[:], mac(salted, []byte("Server Key")), nil
}

// CheckServerFinal verifies the server-final "v=<ServerSignature>".
func (s *SCRAM) CheckServerFinal(msg string) error {
	sig, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(msg, "v="))
	if !strings.HasPrefix(msg, "v=") || err != nil || s.serverSig == nil || !hmac.Equal(sig, s.serverSig) {
		return ErrServerSignature
	}
	return nil
}

func mac(key, msg []byte) []byte {
	m := hmac.New(sha512.New, key)
	m.Write(msg)
	return m.Sum(nil)
}
