// Package schema describes the shapes of method parameters and results.
// One Schema value validates decoded JSON with TrueNAS's (pydantic's) exact
// messages, renders itself as JSON Schema 2020-12 for core.get_methods, the
// HTML docs and OpenRPC, and decodes validated values into Go structs, so
// the enforced and the documented shapes cannot drift apart.
package schema
