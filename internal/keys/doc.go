// Package keys holds the API-key format and its cryptography: generation
// of `<id>-<64 characters>` keys from crypto/rand, the server's peppers,
// keyed hashing (HMAC-SHA256) and constant-time verification, and the
// verification of TrueNAS PBKDF2-SHA512 hashes imported from TrueNAS.
package keys
