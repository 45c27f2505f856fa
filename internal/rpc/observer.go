package rpc

import (
	"strconv"
	"time"
)

// Observer is told what the engine does, for metrics. Its methods run on
// the hot paths: they must be cheap and safe for concurrent use. The
// engine never passes a client's text to it, only names from the registry
// and outcome labels from the error table, so every label is bounded.
type Observer interface {
	// Method returns the recorder of one method's calls. The server asks
	// once per registered method when it is built, and once for
	// UnknownMethod, which stands for every name the registry lacks.
	Method(name string) CallObserver
	// EventSent counts an event notification queued for a subscriber.
	EventSent()
	// SlowClientDropped counts a connection dropped because its client did
	// not take its messages (1008 "Client too slow", or a stuck write).
	SlowClientDropped()
	// RateLimited counts a call refused by the rate limit.
	RateLimited()
}

// CallObserver records the calls of one method.
type CallObserver interface {
	// Call records one call's outcome (see Outcome) and how long it took
	// from its arrival to its answer.
	Call(outcome string, d time.Duration)
}

// UnknownMethod is the method name observers and logs use for every
// message whose method the registry does not hold (or that has none).
const UnknownMethod = "unknown"

// OutcomeOK is the outcome of a call that succeeded.
const OutcomeOK = "ok"

// NopObserver records nothing.
type NopObserver struct{}

// Method returns a recorder that does nothing.
func (NopObserver) Method(string) CallObserver { return NopObserver{} }

// Call does nothing.
func (NopObserver) Call(string, time.Duration) {}

// EventSent does nothing.
func (NopObserver) EventSent() {}

// SlowClientDropped does nothing.
func (NopObserver) SlowClientDropped() {}

// RateLimited does nothing.
func (NopObserver) RateLimited() {}

// codeLabels are the outcome labels of the codes without an errno.
var codeLabels = map[int]string{}

func init() {
	for _, c := range ErrorCodes {
		codeLabels[c.Code] = strconv.Itoa(c.Code)
	}
}

// outcomeLabel is a failed call's outcome: the errno name of a call error
// (EACCES, ENOTAUTHENTICATED...), else the JSON-RPC code ("-32602").
func outcomeLabel(code int, data map[string]any) string {
	if name, ok := data["errname"].(string); ok && code == CodeCallError {
		return name
	}
	return codeLabels[code]
}

// Outcome returns the outcome label of a call that returned err:
// OutcomeOK, an errno name or a JSON-RPC code, as the error table maps it.
func Outcome(err error) string {
	if err == nil {
		return OutcomeOK
	}
	code, _, data, _ := wireError(err)
	return outcomeLabel(code, data)
}

// callObservers resolves the recorder of every registered method once.
func callObservers(o Observer, r *Registry) map[string]CallObserver {
	out := make(map[string]CallObserver, len(r.methods)+1)
	for name := range r.methods {
		out[name] = o.Method(name)
	}
	out[UnknownMethod] = o.Method(UnknownMethod)
	return out
}
