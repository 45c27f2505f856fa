package sqlq

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/keyward/keyward/internal/query"
)

// Plan is a compiled query: one SQL statement and what Read does with its
// rows. When the dialect decides the whole query, the statement gives the
// count or exactly the page; otherwise it gives the candidate rows, a
// superset of the matches, and Read filters (and, if need be, sorts and
// pages) them in Go with the engine of internal/query.
type Plan struct {
	// SQL is the statement, with the dialect's placeholders; Args are its
	// arguments.
	SQL  string
	Args []any

	table  *Table
	filter *query.Filter
	opts   *query.Options
	mode   mode
}

// mode says what the statement of a Plan returns.
type mode int

const (
	// modeCount: one row, the count.
	modeCount mode = iota
	// modePage: the entries, filtered, ordered and paged.
	modePage
	// modeFilter: candidates in order; Go filters, counts or pages.
	modeFilter
	// modeSort: candidates in default order; Go runs the whole query.
	modeSort
)

// Exact reports whether SQL decides the whole query, so that the
// statement returns the count or the page itself.
func (p *Plan) Exact() bool { return p.mode == modeCount || p.mode == modePage }

// plan renders st as a statement for table t read FROM from.
func (st *statement) plan(d Dialect, t *Table, from string, f *query.Filter, o *query.Options) *Plan {
	p := &Plan{table: t, filter: f, opts: o}
	where := st.where.SQL
	switch where {
	case sqlTrue.SQL:
		where = d.Bool(true)
	case sqlFalse.SQL:
		where = d.Bool(false)
	default:
		where = "(" + where + ")"
	}
	args := append([]any(nil), st.where.Args...)
	var b strings.Builder
	switch {
	case o.Count && !st.where.Inexact:
		p.mode = modeCount
		fmt.Fprintf(&b, "SELECT count(*) FROM %s WHERE %s", from, where)
	case o.Count:
		p.mode = modeFilter
		fmt.Fprintf(&b, "SELECT %s FROM %s WHERE %s", t.SelectList(), from, where)
	case st.goOrder:
		p.mode = modeSort
		fmt.Fprintf(&b, "SELECT %s FROM %s WHERE %s", t.SelectList(), from, where)
		if t.DefaultOrder != "" {
			b.WriteString(" ORDER BY " + t.DefaultOrder)
		}
	default:
		p.mode = modePage
		if st.where.Inexact {
			p.mode = modeFilter
		}
		fmt.Fprintf(&b, "SELECT %s FROM %s WHERE %s", t.SelectList(), from, where)
		if st.orderBy != "" {
			b.WriteString(" ORDER BY " + st.orderBy)
			args = append(args, st.orderArgs...)
		}
		if p.mode == modePage {
			limit := d.NoLimit()
			if n := o.RowLimit(); n >= 0 {
				limit = n
			}
			b.WriteString(" LIMIT ? OFFSET ?")
			args = append(args, limit, o.Offset)
		}
	}
	p.SQL, p.Args = number(d, b.String()), args
	return p
}

// number replaces each "?" outside quotes in q by the dialect's
// placeholder for its position.
func number(d Dialect, q string) string {
	if d.Placeholder(1) == "?" {
		return q
	}
	var b strings.Builder
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteString(d.Placeholder(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// dollar is PostgreSQL's placeholder.
func dollar(n int) string { return "$" + strconv.Itoa(n) }
