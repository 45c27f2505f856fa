package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/keyward/keyward"
)

// Alert texts (api-keys.md 16), with TrueNAS's %(arg)s placeholders.
const (
	revokedText = "%(name)s: API key has been revoked and must either be renewed or deleted. Revoke reason: %(reason)s. " +
		"Once the maintenance is complete, API client configuration must be updated to use the renewed API key."
	insecureText = "%(name)s: API key was presented over an insecure transport from %(address)s and was refused. " +
		"The key was not revoked; reset it if it may have been exposed."
)

// Alerts returns the current alerts: one ApiKeyRevoked per revoked key and
// one ApiKeyInsecureUse per key refused over an insecure transport under
// the reject policy. They are derived from the keys, so they appear and
// clear the moment the keys change.
func (s *Service) Alerts(ctx context.Context) ([]any, error) {
	revoked, err := s.cfg.Keys.RevokedKeys(ctx)
	if err != nil {
		return nil, err
	}
	uses, err := s.cfg.Keys.InsecureUses(ctx)
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, k := range revoked {
		reason := k.RevokedReason
		if reason == "" {
			reason = keyward.ReasonUnknown
		}
		at := k.RevokedAt
		if at.IsZero() {
			at = k.CreatedAt
		}
		id := fmt.Sprintf("ApiKeyRevoked:%d:%d", k.ID, at.Unix())
		out = append(out, alert(id, "ApiKeyRevoked", k.Name, revokedText,
			map[string]any{"name": k.Name, "reason": reason}, at, at, false))
	}
	for _, u := range uses {
		id := fmt.Sprintf("ApiKeyInsecureUse:%d:%d", u.KeyID, u.First.Unix())
		out = append(out, alert(id, "ApiKeyInsecureUse", u.Name, insecureText,
			map[string]any{"name": u.Name, "address": u.Address}, u.First, u.Last, true))
	}
	return out, nil
}

func alert(id, klass, key, text string, args map[string]any, at, last any, oneShot bool) map[string]any {
	formatted := text
	for k, v := range args {
		formatted = strings.ReplaceAll(formatted, "%("+k+")s", fmt.Sprint(v))
	}
	return map[string]any{
		"uuid": id, "id": id, "source": klass, "klass": klass, "args": args, "node": "A", "key": key,
		"datetime": at, "last_occurrence": last, "dismissed": false, "mail": nil, "text": text,
		"formatted": formatted, "level": "WARNING", "one_shot": oneShot,
	}
}
