package scram

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// Error is a failed SCRAM step. Its text is the audit text scram.md 9.7
// gives for it; every one is answered AUTH_ERR.
type Error string

func (e Error) Error() string { return string(e) }

// The failures of the two steps, in the order scram.md 9.7 checks them.
const (
	// ErrMalformed is a message that does not follow scram.md 2.4, or a
	// client-final whose nonce is not the server-first's.
	ErrMalformed Error = "Malformed SCRAM message"
	// ErrNotAPIKey is a client-first whose name has no ":<key id>" (a user
	// password, which SCRAM does not serve).
	ErrNotAPIKey Error = "SCRAM is only available for API keys"
	// ErrBindingUnavailable is a "p" client-first on a connection without
	// a channel binding.
	ErrBindingUnavailable Error = "Channel binding is not available on this connection"
	// ErrDowngrade is a "y" client-first on a connection that has a
	// binding: the client was made to believe the server offers none.
	ErrDowngrade Error = "Channel binding downgrade"
	// ErrBindingMismatch is a client-final whose c= is not the gs2 header
	// of the client-first followed, when bound, by this connection's
	// binding.
	ErrBindingMismatch Error = "Channel binding mismatch"
	// ErrProof is a client proof that does not verify: a wrong secret.
	ErrProof Error = "Invalid API key"
)

// MaxMessageLen is the longest client message accepted.
const MaxMessageLen = 1024

// NonceLen is the length of the client's and the server's nonce parts.
const NonceLen = 32

// CBFlag is the gs2 channel-binding flag of a client-first.
type CBFlag byte

// The gs2 flags (RFC 5802 section 7).
const (
	// CBNone ("n"): the client does not support channel binding.
	CBNone CBFlag = 'n'
	// CBNotOffered ("y"): the client supports binding but believes the
	// server does not.
	CBNotOffered CBFlag = 'y'
	// CBBound ("p=tls-server-end-point"): the client binds the exchange.
	CBBound CBFlag = 'p'
)

// BindingType is the only channel-binding type served.
const BindingType = "tls-server-end-point"

// ClientFirst is a parsed client-first message.
type ClientFirst struct {
	Flag     CBFlag
	Header   string // the gs2 header as sent, both commas included: "n,,"
	Bare     string // client-first-bare: "n=<name>:<id>,r=<nonce>"
	Username string // the name before the last ':'
	KeyID    int64  // 1..2147483647
	Nonce    []byte // NonceLen bytes
}

// ClientFinal is a parsed client-final message.
type ClientFinal struct {
	Binding      []byte // c= decoded: the gs2 header, then the binding bytes if bound
	Nonce        string // r= as sent
	Proof        []byte // KeyLen bytes
	WithoutProof string // "c=…,r=…" as sent, for AuthMessage
}

// ParseClientFirst parses a client-first exactly as scram.md 9.7 step 1
// does. A well-formed message whose name has no ':' gives ErrNotAPIKey
// with Username set; every other fault is ErrMalformed.
func ParseClientFirst(s string) (ClientFirst, error) {
	if len(s) > MaxMessageLen {
		return ClientFirst{}, ErrMalformed
	}
	var cf ClientFirst
	var ok bool
	if cf.Flag, cf.Header, cf.Bare, ok = splitHeader(s); !ok {
		return ClientFirst{}, ErrMalformed
	}
	nameAttr, nonceAttr, ok := strings.Cut(cf.Bare, ",")
	nameText, ok1 := strings.CutPrefix(nameAttr, "n=")
	nonceText, ok2 := strings.CutPrefix(nonceAttr, "r=")
	if !ok || !ok1 || !ok2 {
		return ClientFirst{}, ErrMalformed
	}
	if cf.Nonce, ok = decodeExact(nonceText, NonceLen); !ok {
		return ClientFirst{}, ErrMalformed
	}
	name, ok := unescapeName(nameText)
	if !ok || name == "" {
		return ClientFirst{}, ErrMalformed
	}
	i := strings.LastIndexByte(name, ':')
	if i < 0 {
		cf.Username = name
		return cf, ErrNotAPIKey
	}
	if cf.KeyID, ok = parseKeyID(name[i+1:]); !ok || i == 0 {
		return ClientFirst{}, ErrMalformed
	}
	cf.Username = name[:i]
	return cf, nil
}

// splitHeader cuts the gs2 header (flag, empty authzid) from a client-first.
func splitHeader(s string) (flag CBFlag, header, bare string, ok bool) {
	for _, h := range []struct {
		flag CBFlag
		text string
	}{{CBNone, "n,,"}, {CBNotOffered, "y,,"}, {CBBound, "p=" + BindingType + ",,"}} {
		if rest, found := strings.CutPrefix(s, h.text); found {
			return h.flag, h.text, rest, true
		}
	}
	return 0, "", "", false
}

// unescapeName decodes RFC 5802's "=2C" and "=3D"; any other '=' or a ','
// makes the name malformed.
func unescapeName(s string) (string, bool) {
	if strings.IndexByte(s, ',') >= 0 {
		return "", false
	}
	if strings.IndexByte(s, '=') < 0 {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '=' {
			b.WriteByte(s[i])
			continue
		}
		switch {
		case strings.HasPrefix(s[i:], "=2C"):
			b.WriteByte(',')
		case strings.HasPrefix(s[i:], "=3D"):
			b.WriteByte('=')
		default:
			return "", false
		}
		i += 2
	}
	return b.String(), true
}

// parseKeyID reads 1..2147483647 in decimal without sign or leading zero.
func parseKeyID(s string) (int64, bool) {
	if s == "" || len(s) > 10 || s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id <= 2147483647
}

// decodeExact decodes canonical padded standard base64 of exactly n bytes.
func decodeExact(s string, n int) ([]byte, bool) {
	if len(s) != base64.StdEncoding.EncodedLen(n) {
		return nil, false
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	return b, err == nil && len(b) == n
}

// ParseClientFinal parses a client-final: exactly "c=…,r=…,p=…", c= in
// padded standard base64, p= of KeyLen bytes. Faults are ErrMalformed.
func ParseClientFinal(s string) (ClientFinal, error) {
	if len(s) > MaxMessageLen {
		return ClientFinal{}, ErrMalformed
	}
	attrs := strings.Split(s, ",")
	if len(attrs) != 3 {
		return ClientFinal{}, ErrMalformed
	}
	cText, ok1 := strings.CutPrefix(attrs[0], "c=")
	nonce, ok2 := strings.CutPrefix(attrs[1], "r=")
	pText, ok3 := strings.CutPrefix(attrs[2], "p=")
	if !ok1 || !ok2 || !ok3 || nonce == "" {
		return ClientFinal{}, ErrMalformed
	}
	binding, err := base64.StdEncoding.Strict().DecodeString(cText)
	if err != nil || len(binding) == 0 {
		return ClientFinal{}, ErrMalformed
	}
	proof, ok := decodeExact(pText, KeyLen)
	if !ok {
		return ClientFinal{}, ErrMalformed
	}
	return ClientFinal{Binding: binding, Nonce: nonce, Proof: proof,
		WithoutProof: attrs[0] + "," + attrs[1]}, nil
}
