// Package query implements the TrueNAS query engine of protocol.md section
// 11: it parses and validates query filters and options, and evaluates
// them on entries held in memory.
//
// Entries are map[string]any values in canonical form: nil, bool, int64,
// float64, string, time.Time (UTC), []any and map[string]any, nested in any
// way. Filter values and options arrive JSON-decoded (json.Number, ejson
// values); ParseFilters and ParseOptions turn them into *Filter and
// *Options, reporting problems as *keyward.ValidationError with the exact
// texts of section 11.4.
//
// Run evaluates a query on a slice of entries. Stored collections are
// queried in SQL by internal/sqlq, which compiles the same parsed query
// for a database dialect and gives identical results; it reads the parsed
// query through the small view of ast.go (Filter.Root, Node, Cond,
// Options.OrderKeys). Fold is the case folding of the C operators, which
// stores also apply to the folded copies of text columns they index.
package query
