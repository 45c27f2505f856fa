package sqlite

import (
	"database/sql/driver"

	"modernc.org/sqlite"

	"github.com/keyward/keyward/internal/sqlq"
)

// The query engine's SQL functions (regular expressions, case folding, JSON
// paths) are registered once for every connection the driver opens.
func init() {
	for _, f := range sqlq.SQLiteFunctions() {
		fn := f.Fn
		sqlite.MustRegisterDeterministicScalarFunction(f.Name, f.NArgs,
			func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) { return fn(args) })
	}
}
