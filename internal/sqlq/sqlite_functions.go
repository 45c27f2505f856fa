package sqlq

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keyward/keyward/internal/query"
)

// SQLFunction is a deterministic scalar SQL function that SQLite plans
// call. The SQLite store registers each one with modernc.org/sqlite:
//
//	sqlite.MustRegisterDeterministicScalarFunction(f.Name, f.NArgs,
//		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
//			return f.Fn(args)
//		})
//
// The functions never retain their arguments, so they are also safe to
// register with the driver's zero-copy (volatile) argument option.
type SQLFunction struct {
	// Name is the SQL name, e.g. "kw_regexp".
	Name string
	// NArgs is the number of arguments; -1 means any number.
	NArgs int32
	// Fn computes the result from arguments of the types SQLite passes:
	// nil, int64, float64, string or []byte.
	Fn func(args []driver.Value) (driver.Value, error)
}

// SQLiteFunctions returns the functions that SQLite plans may call:
//
//	kw_regexp(pattern, x)   1 when RE2 pattern matches text x at its start
//	kw_fold(x)              x after simple case folding
//	kw_cond(spec, type, x)  1 when a condition holds for a column value
//	kw_rank(path, type, x)  the sort rank of the type of a value in a column
//	kw_val(path, type, x)   a value's sort key within its rank
//	kw_match(spec, type, x, type, x, ...)
//	                        1 when a whole filter holds for a row's columns
func SQLiteFunctions() []SQLFunction {
	return []SQLFunction{
		{Name: "kw_regexp", NArgs: 2, Fn: sqlRegexp},
		{Name: "kw_fold", NArgs: 1, Fn: sqlFold},
		{Name: "kw_cond", NArgs: 3, Fn: sqlCond},
		{Name: "kw_rank", NArgs: 3, Fn: sqlRank},
		{Name: "kw_val", NArgs: 3, Fn: sqlVal},
		{Name: "kw_match", NArgs: -1, Fn: sqlMatch},
	}
}

// maxCached bounds each cache; a full cache is emptied.
const maxCached = 256

// cache memoizes parsing per key (a pattern or a spec), so that work is
// done once per query rather than once per row.
type cache[V any] struct {
	m     sync.Map
	n     atomic.Int64
	build func(string) (V, error)
	// max overrides maxCached.
	max int64
}

func (c *cache[V]) get(key string) (V, error) {
	if v, ok := c.m.Load(key); ok {
		return v.(V), nil
	}
	v, err := c.build(key)
	if err != nil {
		return v, err
	}
	limit := c.max
	if limit == 0 {
		limit = maxCached
	}
	if c.n.Add(1) > limit {
		c.m.Clear()
		c.n.Store(1)
	}
	c.m.Store(strings.Clone(key), v)
	return v, nil
}

var (
	regexps = &cache[*regexp.Regexp]{build: query.CompilePattern}
	specs   = &cache[query.Cond]{build: decodeCond}
	paths   = &cache[[]string]{build: decodePath}
	// A match spec holds a whole large filter: few are kept.
	matches = &cache[*compiledMatch]{build: decodeMatch, max: 16}
)

// decodeCond rebuilds the condition of a kw_cond spec.
func decodeCond(text string) (query.Cond, error) {
	n, err := query.ParseSpec(text)
	if err != nil {
		return query.Cond{}, err
	}
	c, ok := n.Cond()
	if !ok {
		return query.Cond{}, fmt.Errorf("sqlq: kw_cond spec is not a condition")
	}
	return c, nil
}

// compiledMatch is a decoded matchSpec.
type compiledMatch struct {
	cols []string
	root query.Node
}

func decodeMatch(text string) (*compiledMatch, error) {
	var ms matchSpec
	if err := json.Unmarshal([]byte(text), &ms); err != nil {
		return nil, fmt.Errorf("sqlq: malformed kw_match spec: %w", err)
	}
	root, err := query.ParseSpec(string(ms.Root))
	if err != nil {
		return nil, err
	}
	return &compiledMatch{cols: ms.Cols, root: root}, nil
}

// sqlMatch is kw_match(spec, type, value, type, value, ...): 1 when the
// filter holds for the row whose columns are given.
func sqlMatch(args []driver.Value) (driver.Value, error) {
	text, _ := textArg(args[0])
	m, err := matches.get(text)
	if err != nil {
		return nil, err
	}
	if len(args) != 1+2*len(m.cols) {
		return nil, fmt.Errorf("sqlq: kw_match: %d arguments for %d columns", len(args), len(m.cols))
	}
	entry := make(map[string]any, len(m.cols))
	for i, name := range m.cols {
		v, err := columnArg(args[1+2*i], args[2+2*i])
		if err != nil {
			return nil, err
		}
		entry[name] = v
	}
	return boolInt(m.root.Match(entry)), nil
}

func decodePath(text string) ([]string, error) {
	var path []string
	if err := json.Unmarshal([]byte(text), &path); err != nil {
		return nil, fmt.Errorf("sqlq: malformed path: %w", err)
	}
	return path, nil
}

// textArg reads a TEXT argument.
func textArg(v driver.Value) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case []byte:
		return string(x), true
	}
	return "", false
}

func sqlRegexp(args []driver.Value) (driver.Value, error) {
	pattern, _ := textArg(args[0])
	re, err := regexps.get(pattern)
	if err != nil {
		return nil, err
	}
	if args[1] == nil {
		return boolInt(re.MatchString("")), nil
	}
	s, ok := textArg(args[1])
	return boolInt(ok && re.MatchString(s)), nil
}

func sqlFold(args []driver.Value) (driver.Value, error) {
	if s, ok := textArg(args[0]); ok {
		return query.Fold(s), nil
	}
	return args[0], nil
}

func sqlCond(args []driver.Value) (driver.Value, error) {
	text, _ := textArg(args[0])
	c, err := specs.get(text)
	if err != nil {
		return nil, err
	}
	x, err := columnArg(args[1], args[2])
	if err != nil {
		return nil, err
	}
	return boolInt(c.Holds(x)), nil
}

func sqlRank(args []driver.Value) (driver.Value, error) {
	v, err := sortValue(args)
	if err != nil {
		return nil, err
	}
	return int64(query.Rank(v)), nil
}

func sqlVal(args []driver.Value) (driver.Value, error) {
	v, err := sortValue(args)
	if err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case bool:
		return boolInt(x), nil
	case int64, float64, string:
		return x, nil
	case time.Time:
		return x.UnixMilli(), nil
	}
	return nil, nil
}

// sortValue returns the first value at the path of a kw_rank or kw_val
// call, nil when the path does not resolve.
func sortValue(args []driver.Value) (any, error) {
	text, _ := textArg(args[0])
	path, err := paths.get(text)
	if err != nil {
		return nil, err
	}
	x, err := columnArg(args[1], args[2])
	if err != nil {
		return nil, err
	}
	return query.First(x, path), nil
}

// columnArg converts a column value passed with its type to canonical form.
func columnArg(typ, v driver.Value) (any, error) {
	t, ok := typ.(int64)
	if !ok || !ColumnType(t).valid() {
		return nil, fmt.Errorf("sqlq: bad column type %v", typ)
	}
	return ColumnType(t).FromSQL(v)
}
