package scram

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"strconv"
	"time"
)

// Timeout is how long a pending exchange lives after its server-first.
const Timeout = 60 * time.Second

// Exchange is a pending SCRAM login of one connection, between the
// server-first and the client-final (scram.md 9.7 step 5). The protocol
// texts are kept unexported; the caller's own fields are exported.
type Exchange struct {
	// KeyID and Username are those of the client-first.
	KeyID    int64
	Username string
	// StandIn is why a stand-in verifier answered the client-first (the
	// AUTH_ERR audit text of step 2), "" when the key's own verifier did.
	StandIn string
	// Deadline is when the exchange expires.
	Deadline time.Time

	header      string // gs2 header as sent
	bare        string // client-first-bare
	serverFirst string
	nonce       string // combined nonce, base64
	binding     []byte // for "p": the connection's binding; else nil
	iterations  int
	salt        []byte
}

// CheckBinding applies step 1.2 of scram.md 9.7 to the client-first: a
// "p" flag needs a binding on this connection, and a "y" flag is a
// downgrade when there is one.
func (cf ClientFirst) CheckBinding(available bool) error {
	switch {
	case cf.Flag == CBBound && !available:
		return ErrBindingUnavailable
	case cf.Flag == CBNotOffered && available:
		return ErrDowngrade
	}
	return nil
}

// Begin answers a client-first: binding is the connection's
// tls-server-end-point binding (nil when it has none), v the selected
// verifier or a stand-in (StandIn). It draws a 32-byte server nonce and
// returns the exchange to keep, whose ServerFirst is the answer.
func Begin(cf ClientFirst, binding []byte, v Verifier, now time.Time) (*Exchange, error) {
	serverNonce := make([]byte, NonceLen)
	_, _ = rand.Read(serverNonce) // never fails (crypto/rand of Go 1.24+)
	return begin(cf, binding, v, now, serverNonce)
}

func begin(cf ClientFirst, binding []byte, v Verifier, now time.Time, serverNonce []byte) (*Exchange, error) {
	if err := cf.CheckBinding(binding != nil); err != nil {
		return nil, err
	}
	if len(cf.Nonce) != NonceLen || len(serverNonce) != NonceLen {
		return nil, ErrMalformed
	}
	nonce := base64.StdEncoding.EncodeToString(append(append([]byte(nil), cf.Nonce...), serverNonce...))
	x := &Exchange{
		KeyID: cf.KeyID, Username: cf.Username, Deadline: now.Add(Timeout),
		header: cf.Header, bare: cf.Bare, nonce: nonce,
		iterations: v.Iterations, salt: append([]byte(nil), v.Salt...),
		serverFirst: "r=" + nonce + ",s=" + base64.StdEncoding.EncodeToString(v.Salt) + ",i=" + strconv.Itoa(v.Iterations),
	}
	if cf.Flag == CBBound {
		x.binding = append([]byte(nil), binding...)
	}
	return x, nil
}

// ServerFirst returns the server-first message: "r=…,s=…,i=…".
func (x *Exchange) ServerFirst() string { return x.serverFirst }

// Expired reports whether the exchange's deadline has passed at now.
func (x *Exchange) Expired(now time.Time) bool { return now.After(x.Deadline) }

// CheckFinal applies step 2.2 of scram.md 9.7 to a parsed client-final:
// c= must be the gs2 header followed, when bound, by the binding
// (ErrBindingMismatch), and r= the server-first's nonce (ErrMalformed).
func (x *Exchange) CheckFinal(cf ClientFinal) error {
	want := append([]byte(x.header), x.binding...)
	if subtle.ConstantTimeCompare(cf.Binding, want) != 1 {
		return ErrBindingMismatch
	}
	if subtle.ConstantTimeCompare([]byte(cf.Nonce), []byte(x.nonce)) != 1 {
		return ErrMalformed
	}
	return nil
}

// Verify checks the client proof against v (the key's verifier, read
// again) in constant time and returns the server-final "v=<signature>".
// A verifier with another salt or count than the server-first's (a key
// reset meanwhile) or without keys (a stand-in) never verifies. Call it
// only after CheckFinal.
func (x *Exchange) Verify(cf ClientFinal, v Verifier) (serverFinal string, err error) {
	if len(v.StoredKey) != KeyLen || len(v.ServerKey) != KeyLen || len(cf.Proof) != KeyLen ||
		v.Iterations != x.iterations || !bytes.Equal(v.Salt, x.salt) {
		return "", ErrProof
	}
	authMessage := x.bare + "," + x.serverFirst + "," + cf.WithoutProof
	clientKey := hmacSHA512(v.StoredKey, authMessage) // ClientSignature
	subtle.XORBytes(clientKey, clientKey, cf.Proof)   // ClientKey = ClientProof XOR ClientSignature
	stored := sha512.Sum512(clientKey)
	if subtle.ConstantTimeCompare(stored[:], v.StoredKey) != 1 {
		return "", ErrProof
	}
	sig := hmac.New(sha512.New, v.ServerKey)
	sig.Write([]byte(authMessage))
	return "v=" + base64.StdEncoding.EncodeToString(sig.Sum(nil)), nil
}
