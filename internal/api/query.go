package api

import (
	"context"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
)

// filtersSchema is the schema of a query's filters: a list, checked in
// depth by the query engine.
var filtersSchema = schema.List(schema.Any()).Desc(
	"Query filters: a list of [field, operator, value] conditions (AND), or [\"OR\", [branches]]. See the query-methods page.")

// optionsFields are the query options of protocol.md 11.3, in schema order.
func optionsFields(v keyward.Version) []schema.Field {
	fields := []schema.Field{
		schema.Opt("select", schema.List(schema.Any()), []any{}).Doc("Fields to return: names or [field, alias] pairs."),
		schema.Opt("order_by", schema.List(schema.String()), []any{}).Doc("Sort keys; prefix `-` for descending, `nulls_first:` or `nulls_last:`. The first key is primary."),
		schema.Opt("count", schema.Bool(), false).Doc("Return the number of matching entries."),
		schema.Opt("get", schema.Bool(), false).Doc("Return the first entry as an object."),
		schema.Opt("offset", schema.Int().AtLeast(0), int64(0)),
		schema.Opt("limit", schema.Int().Range(0, query.MaxLimit), int64(0)).Doc("0 means no limit."),
		schema.Opt("extra", schema.Map(), map[string]any{}),
		schema.Opt("force_sql_filters", schema.Bool(), false).Doc("Accepted and ignored."),
	}
	if v == keyward.V25_04 {
		fields = append(fields,
			schema.Opt("relationships", schema.Bool(), true).Doc("Accepted and ignored."),
			schema.Opt("extend", schema.String().OrNull(), nil).Doc("Accepted and ignored."),
			schema.Opt("extend_context", schema.String().OrNull(), nil).Doc("Accepted and ignored."),
			schema.Opt("prefix", schema.String().OrNull(), nil).Doc("Accepted and ignored."),
		)
	}
	return fields
}

// queryParams returns the filters and options parameters of a query method.
func queryParams(v keyward.Version) []schema.Field {
	return []schema.Field{
		schema.Opt("filters", filtersSchema, []any{}),
		schema.Opt("options", schema.Object(optionsFields(v)...).Named("QueryOptions"), map[string]any{}),
	}
}

// queryVersions gives a query method its per-version params.
func queryVersions() map[keyward.Version]rpc.VersionSpec {
	return map[keyward.Version]rpc.VersionSpec{keyward.V25_04: {Params: queryParams(keyward.V25_04)}}
}

// parseQuery reads validated filters and options under the given
// attribute names.
func parseQuery(filters, options any, filtersAttr, optionsAttr string) (*query.Filter, *query.Options, error) {
	fl, _ := filters.([]any)
	f, err := query.ParseFilters(filtersAttr, fl)
	if err != nil {
		return nil, nil, err
	}
	om, _ := options.(map[string]any)
	o, err := query.ParseOptions(optionsAttr, om)
	if err != nil {
		return nil, nil, err
	}
	return f, o, nil
}

// queryCall parses the two positional query params of a call.
func queryCall(c *rpc.Call) (*query.Filter, *query.Options, error) {
	return parseQuery(c.Params[0], c.Params[1], "filters", "options")
}

// runQuery runs a query call over entries held in memory.
func runQuery(c *rpc.Call, entries []map[string]any) (any, error) {
	f, o, err := queryCall(c)
	if err != nil {
		return nil, err
	}
	return query.Run(entries, f, o)
}

// listResult is the result schema of a query method returning entries.
// Entries may be partial: `select` picks their fields.
func listResult(entry *schema.Schema) *schema.Schema {
	partial := entry.Partial()
	return schema.AnyOf(schema.List(partial), partial, schema.Int()).
		Desc("A list of entries; one entry with `get`; the number of matches with `count`. `select` keeps only the fields it names.")
}

func getJobsMethod() *rpc.Method {
	return &rpc.Method{
		Name:    "core.get_jobs",
		Summary: "Query jobs (always empty).",
		Description: "Keyward runs no jobs: the result is always an empty list, or 0 with `count`. " +
			"Filters and options are validated like every query.",
		Params:   queryParams(keyward.Current),
		Versions: queryVersions(),
		Result:   listResult(schema.Map()),
		Access:   rpc.NeedLogin,
		Query:    true,
		Examples: []rpc.Example{{Name: "all", Params: []any{[]any{}, map[string]any{}}, Result: []any{}}},
		Handler: func(_ context.Context, c *rpc.Call) (any, error) {
			return runQuery(c, nil)
		},
	}
}

// ownerFilter selects the keys of one user.
func ownerFilter(userID int64) (*query.Filter, error) {
	return query.ParseFilters("filters", []any{[]any{"user_identifier", "=", userID}})
}
