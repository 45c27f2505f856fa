package keys

import (
	"crypto/rand"
	"strconv"
	"strings"
)

// SecretLen is the length of a key's secret.
const SecretLen = 64

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// NewSecret returns 64 characters drawn uniformly from A-Z a-z 0-9: random
// bytes of 248 or more are rejected before taking the value modulo 62.
func NewSecret() string {
	out := make([]byte, 0, SecretLen)
	buf := make([]byte, 96)
	for len(out) < SecretLen {
		if _, err := rand.Read(buf); err != nil {
			panic("keys: crypto/rand failed: " + err.Error())
		}
		for _, b := range buf {
			if b < 248 && len(out) < SecretLen {
				out = append(out, alphabet[b%62])
			}
		}
	}
	return string(out)
}

// Format returns the raw key "<id>-<secret>".
func Format(id int64, secret string) string { return strconv.FormatInt(id, 10) + "-" + secret }

// Parse splits a raw key that matches ^\d+-[A-Za-z0-9]{64}$.
func Parse(raw string) (id int64, secret string, ok bool) {
	idText, secret, found := strings.Cut(raw, "-")
	if !found || len(secret) != SecretLen || idText == "" {
		return 0, "", false
	}
	for i := 0; i < len(idText); i++ {
		if idText[i] < '0' || idText[i] > '9' {
			return 0, "", false
		}
	}
	for i := 0; i < len(secret); i++ {
		if !isAlnum(secret[i]) {
			return 0, "", false
		}
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return 0, "", false
	}
	return id, secret, true
}

// ParseID reads the id before the first '-' of a presented key, as
// auth.login_with_api_key does.
func ParseID(raw string) (int64, bool) {
	idText, _, found := strings.Cut(raw, "-")
	if !found {
		return 0, false
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	return id, err == nil && id >= 0
}

// Redact shows a presented key as audit records do: the key id and "-"
// followed by "********" when the text starts with a key id (digits that
// fit an int64) and a "-", else "********". Nothing else of the text is kept: a password or token sent
// where a key belongs may contain a "-" too.
func Redact(raw string) string {
	i := strings.IndexByte(raw, '-')
	if i <= 0 {
		return "********"
	}
	for j := 0; j < i; j++ {
		if raw[j] < '0' || raw[j] > '9' {
			return "********"
		}
	}
	if _, err := strconv.ParseInt(raw[:i], 10, 64); err != nil {
		return "********" // digits, but no key id
	}
	return raw[:i+1] + "********"
}

func isAlnum(c byte) bool {
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
}
