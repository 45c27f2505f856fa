package query_test

import (
	"fmt"
	"strings"
)

// budgetText ends the message of a ~ pattern over the filter's budget.
const budgetText = ` (the regular expressions of one filter may compile to at most 4096 instructions together)`

// repeatList joins n copies of item, with %d replaced by the index.
func repeatList(item string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = strings.ReplaceAll(item, "%d", fmt.Sprint(i))
	}
	return strings.Join(parts, ",")
}

// limitCases are the bounds Keyward adds where the spec is silent
// (docs/DECISIONS.md): the program size of a filter's regular expressions
// and the number of order_by fields.
var limitCases = []queryCase{
	{name: "RegexpNestedStarIsLinear", filters: `[["name","~","(a*)*$"]]`, want: `[]`},
	{name: "RegexpLargeRepeatAccepted", filters: `[["name","~","[a-z]{1000}"]]`, want: `[]`},
	{name: "RegexpStarRepeatAccepted", filters: `[["name","~","(?:.*){1000}z"]]`, want: `[]`},
	{name: "ErrRegexpRepeatOverRE2", filters: `[["name","~","a{1001}"]]`, err: `filters: Value error, Invalid regular expression: "a{1001}"`},
	{name: "ErrRegexpNestedRepeatOverRE2", filters: `[["name","~","(a{1000}){1000}"]]`,
		err: `filters: Value error, Invalid regular expression: "(a{1000}){1000}"`},
	{name: "ErrRegexpProgramTooLarge", filters: `[["name","~","(?:ab|cd|ef|gh|ij){1000}"]]`,
		err: `filters: Value error, Invalid regular expression: "(?:ab|cd|ef|gh|ij){1000}"` + budgetText},
	{name: "RegexpBudgetFull", filters: `[["name","~","[a-z]{1000}[a-z]{1000}"],["OR",[["note","~","[a-z]{1000}"],["note","~","[0-9]{1000}x{96}"]]]]`,
		want: `[]`},
	{name: "ErrRegexpBudgetShared", filters: `[["name","~","[a-z]{1000}[a-z]{1000}"],["OR",[["note","~","[a-z]{1000}"],["note","~","[0-9]{1000}x{97}"]]]]`,
		err: `filters: Value error, Invalid regular expression: "[0-9]{1000}x{97}"` + budgetText},
	{name: "RegexpManySmall", filters: `[` + repeatList(`["name","~","x%d"]`, 1000) + `]`, want: `[]`},
	{name: "ErrRegexpTooManySmall", filters: `[` + repeatList(`["name","~","x"]`, 5000) + `]`,
		err: `filters: Value error, Invalid regular expression: "x"` + budgetText},
	{name: "OrderByRepeatedField", options: `{"order_by":["-score",` + repeatList(`"score"`, 10000) + `]}`, want: `[6,2,1,5,4,3]`},
	{name: "OrderByMaxFields", options: `{"order_by":["name",` + repeatList(`"meta.f%d"`, 99) + `]}`, want: `[3,4,1,6,5,2]`},
	{name: "ErrOrderByTooManyFields", options: `{"order_by":[` + repeatList(`"meta.f%d"`, 101) + `]}`,
		err: `options: Value error, order_by may name at most 100 different fields`},
	{name: "LimitMaxWithHugeOffset", options: `{"limit":10000,"offset":9223372036854775807}`, want: `[]`},
}
