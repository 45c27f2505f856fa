// Package sqlite stores Keyward's data in an embedded SQLite database
// (modernc.org/sqlite, no cgo): pragmas in the DSN, one writer connection
// and a pool of readers, and numbered migrations embedded in the binary
// and applied in order at start.
package sqlite
