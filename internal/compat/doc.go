// Package compat keeps Keyward honest about its TrueNAS compatibility.
// It renders the generated part of docs/COMPATIBILITY.md (every method
// and event of the registry, per served API path, with what differs on
// older paths) and its tests fail when that document drifts from the
// registry. Its tests also drive TrueNAS's own, unmodified Python client
// (midclt) against a real Keyward server when a checkout of it is given.
package compat
