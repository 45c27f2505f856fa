// Package metrics keeps Keyward's Prometheus metrics on a registry of its
// own and serves them in the text format. It implements the observer
// interfaces of internal/rpc and internal/service, so neither imports
// Prometheus; every family, its type and labels are listed in
// docs/METRICS.md. Labels only ever hold registered method names and
// fixed sets of values, never a username or anything a client chose.
package metrics
