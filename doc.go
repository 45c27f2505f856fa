// Package keyward holds Keyward's domain: the error type and its errno
// codes, API versions, the role catalogue, sessions and the interfaces that
// the storage and transport packages implement. It imports nothing from the
// rest of the module, so every other package can depend on it.
package keyward
