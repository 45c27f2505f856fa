package config

import "fmt"

// The SCRAM settings (scram.md 9.3, 9.8).
const (
	// DefaultSCRAMIterations is the default of scram_iterations: the
	// official clients' floor.
	DefaultSCRAMIterations = 50_000
	// MinSCRAMIterations and MaxSCRAMIterations bound scram_iterations:
	// the official clients refuse counts outside them.
	MinSCRAMIterations = 50_000
	MaxSCRAMIterations = 5_000_000
)

// validateSCRAM checks scram_iterations and scram_binding_cert.
func (c *Config) validateSCRAM() error {
	if c.SCRAMIterations < MinSCRAMIterations || c.SCRAMIterations > MaxSCRAMIterations {
		return fmt.Errorf("scram_iterations must be between %d and %d", MinSCRAMIterations, MaxSCRAMIterations)
	}
	if c.SCRAMBindingCert != "" && len(c.TrustedProxies) == 0 {
		return fmt.Errorf("scram_binding_cert: needs trusted_proxies (only a trusted proxy's https is bound)")
	}
	return nil
}
