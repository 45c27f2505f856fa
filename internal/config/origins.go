package config

import (
	"fmt"
	"net/url"
	"strings"
)

// parseOrigins reads allowed_origins: a comma-separated list of browser
// origins, each a scheme and a host with an optional port and nothing
// else ("https://keys.example.com", "http://10.0.0.5:8080"). It keeps them
// as written; the HTTP server compares them in canonical form.
func parseOrigins(s string) ([]string, error) {
	var out []string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if err := checkOrigin(part); err != nil {
			return nil, err
		}
		out = append(out, part)
	}
	return out, nil
}

// checkOrigin refuses text that is not scheme://host[:port].
func checkOrigin(s string) error {
	u, err := url.Parse(s)
	bad := err != nil || u.Scheme == "" || u.Host == "" || u.Hostname() == "" || u.User != nil ||
		u.Opaque != "" || u.Path != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" ||
		strings.HasSuffix(u.Host, ":")
	if bad {
		return fmt.Errorf("%q is not an origin: want scheme://host[:port], e.g. https://keys.example.com", s)
	}
	return nil
}
