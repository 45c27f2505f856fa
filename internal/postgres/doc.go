// Package postgres stores a Keyward database in PostgreSQL, for several
// nodes sharing one database (cluster.md). It implements keyward.Store with
// the semantics of package sqlite: numbered migrations embedded under
// migrations/, ids never reused, one writer at a time, and a change log
// read by sequence with NOTIFY to wake the readers.
package postgres
