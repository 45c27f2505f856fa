// Package query implements the TrueNAS query engine of protocol.md section
// 11: it parses and validates query filters and options, evaluates them on
// entries held in memory, and compiles them to SQL so that stored
// collections are queried without being loaded.
//
// Entries are map[string]any values in canonical form: nil, bool, int64,
// float64, string, time.Time (UTC), []any and map[string]any, nested in any
// way. Filter values and options arrive JSON-decoded (json.Number, ejson
// values); ParseFilters and ParseOptions turn them into *Filter and
// *Options, reporting problems as *keyward.ValidationError with the exact
// texts of section 11.4.
//
// Run evaluates a query on a slice of entries. Table.Compile turns the same
// query into SQL fragments for a table described by its columns; both paths
// give identical results. The SQL uses a few Go functions (SQLFunctions)
// that the storage layer registers with its database driver. A store that
// keeps indexed copies of text columns after Fold (Column.Fold) lets
// case-insensitive conditions, such as ~ "(?i)ci\.prod", use those indexes.
package query
