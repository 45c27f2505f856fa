package sqlq

// SetGenericOnly makes Compile leave every condition to the generic form
// (SQLite: kw_cond; PostgreSQL: Go), so that tests can check the native
// SQL translations against it.
func SetGenericOnly(on bool) { genericOnly.Store(on) }

// SetMatchOnly makes Compile translate every filter to the dialect's Match
// (SQLite: one kw_match call), as it does for large filters.
func SetMatchOnly(on bool) { matchOnly.Store(on) }

// FoldedPrefix is foldedPrefix: the folded literal prefix of a pattern.
var FoldedPrefix = foldedPrefix
