package client

import (
	"context"
	"crypto"
	_ "crypto/sha256" // for crypto.SHA256.New
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/keyward/keyward"
)

// The SCRAM texts of auth.login_ex (scram.md 2.2, 2.3).
const (
	mechSCRAM        keyward.Mechanism = "SCRAM"
	SCRAMClientFirst                   = "CLIENT_FIRST_MESSAGE"
	SCRAMClientFinal                   = "CLIENT_FINAL_MESSAGE"
	scramResponse                      = "SCRAM_RESPONSE"
	scramServerFirst                   = "SERVER_FIRST_RESPONSE"
	scramServerFinal                   = "SERVER_FINAL_RESPONSE"
)

// SCRAMAnswer is the result of one SCRAM step of auth.login_ex.
type SCRAMAnswer struct {
	ResponseType string          `json:"response_type"`
	SCRAMType    string          `json:"scram_type"`
	RFCStr       string          `json:"rfc_str"`
	UserInfo     json.RawMessage `json:"user_info"`
}

// SCRAMError is a SCRAM step the server answered with another response
// type than SCRAM_RESPONSE (AUTH_ERR, EXPIRED, ...). It is an ErrLogin.
type SCRAMError struct {
	Step         string // SCRAMClientFirst or SCRAMClientFinal
	ResponseType string
}

func (e *SCRAMError) Error() string {
	return fmt.Sprintf("%v: %s at %s", ErrLogin, e.ResponseType, e.Step)
}

// Unwrap makes the error an ErrLogin.
func (e *SCRAMError) Unwrap() error { return ErrLogin }

// caller makes one call and returns its raw result, or the error answer
// as *Error.
type caller func(ctx context.Context, method string, params ...any) (json.RawMessage, error)

// SCRAMStep sends one SCRAM step, as is, and returns the answer; an error
// answer is returned as *Error.
func (c *Conn) SCRAMStep(ctx context.Context, scramType, rfcStr string) (SCRAMAnswer, error) {
	return scramStep(ctx, c.callResult, scramType, rfcStr)
}

// SCRAMStep sends one SCRAM step, as is, and returns the answer; an error
// answer is returned as *Error.
func (c *Client) SCRAMStep(ctx context.Context, scramType, rfcStr string) (SCRAMAnswer, error) {
	return scramStep(ctx, c.Call, scramType, rfcStr)
}

// LoginSCRAM logs in by SCRAM with two auth.login_ex calls and checks the
// server's signature; if it does not verify, the session is logged out.
// The answer is the server-final's (user_info is auth.me).
func (c *Conn) LoginSCRAM(ctx context.Context, s *SCRAM) (SCRAMAnswer, error) {
	return loginSCRAM(ctx, c.callResult, s)
}

// LoginSCRAM logs in by SCRAM with two auth.login_ex calls and checks the
// server's signature; if it does not verify, the session is logged out.
func (c *Client) LoginSCRAM(ctx context.Context, s *SCRAM) (SCRAMAnswer, error) {
	return loginSCRAM(ctx, c.Call, s)
}

// callResult is Call with an error answer returned as the error.
func (c *Conn) callResult(ctx context.Context, method string, params ...any) (json.RawMessage, error) {
	r, err := c.Call(ctx, method, params...)
	if err != nil {
		return nil, err
	}
	if r.Error != nil {
		return nil, r.Error
	}
	return r.Result, nil
}

func scramStep(ctx context.Context, call caller, scramType, rfcStr string) (SCRAMAnswer, error) {
	raw, err := call(ctx, "auth.login_ex", map[string]any{"mechanism": mechSCRAM, "scram_type": scramType, "rfc_str": rfcStr})
	if err != nil {
		return SCRAMAnswer{}, err
	}
	var a SCRAMAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return SCRAMAnswer{}, fmt.Errorf("auth.login_ex: %w", err)
	}
	return a, nil
}

func loginSCRAM(ctx context.Context, call caller, s *SCRAM) (SCRAMAnswer, error) {
	first, err := step(ctx, call, SCRAMClientFirst, s.First(), scramServerFirst)
	if err != nil {
		return first, err
	}
	final, err := s.Final(first.RFCStr)
	if err != nil {
		return first, err
	}
	last, err := step(ctx, call, SCRAMClientFinal, final, scramServerFinal)
	if err != nil {
		return last, err
	}
	if err := s.CheckServerFinal(last.RFCStr); err != nil {
		// The session exists now: leave it, as the official client does.
		_, _ = call(ctx, "auth.logout")
		return last, err
	}
	return last, nil
}

// step sends a step and insists on a SCRAM_RESPONSE of the wanted type.
func step(ctx context.Context, call caller, scramType, rfcStr, want string) (SCRAMAnswer, error) {
	a, err := scramStep(ctx, call, scramType, rfcStr)
	switch {
	case err != nil:
		return a, err
	case a.ResponseType != scramResponse:
		return a, &SCRAMError{Step: scramType, ResponseType: a.ResponseType}
	case a.SCRAMType != want:
		return a, fmt.Errorf("%s answered %s, want %s", scramType, a.SCRAMType, want)
	}
	return a, nil
}

// ServerEndPoint returns the RFC 5929 tls-server-end-point binding of the
// TLS connection cs (see Conn.TLS): the server's leaf certificate hashed
// with its signature's hash, MD5 and SHA-1 replaced by SHA-256 (RFC 5929
// section 4.1; scram.md 3.1).
func ServerEndPoint(cs *tls.ConnectionState) ([]byte, error) {
	if cs == nil || len(cs.PeerCertificates) == 0 {
		return nil, errors.New("channel binding is required but the connection is not TLS (wss://)")
	}
	cert := cs.PeerCertificates[0]
	h, ok := signatureHash[cert.SignatureAlgorithm]
	if !ok {
		return nil, fmt.Errorf("tls-server-end-point is undefined for signature algorithm %v", cert.SignatureAlgorithm)
	}
	if h == crypto.MD5 || h == crypto.SHA1 {
		h = crypto.SHA256
	}
	d := h.New()
	d.Write(cert.Raw)
	return d.Sum(nil), nil
}

// signatureHash is the single hash of each signature algorithm that has
// one (RFC 5929 section 4.1); EdDSA has none.
var signatureHash = map[x509.SignatureAlgorithm]crypto.Hash{
	x509.MD5WithRSA: crypto.MD5, x509.SHA1WithRSA: crypto.SHA1, x509.DSAWithSHA1: crypto.SHA1, x509.ECDSAWithSHA1: crypto.SHA1,
	x509.SHA256WithRSA: crypto.SHA256, x509.SHA256WithRSAPSS: crypto.SHA256, x509.DSAWithSHA256: crypto.SHA256, x509.ECDSAWithSHA256: crypto.SHA256,
	x509.SHA384WithRSA: crypto.SHA384, x509.SHA384WithRSAPSS: crypto.SHA384, x509.ECDSAWithSHA384: crypto.SHA384,
	x509.SHA512WithRSA: crypto.SHA512, x509.SHA512WithRSAPSS: crypto.SHA512, x509.ECDSAWithSHA512: crypto.SHA512,
}
