package querytest

import (
	"fmt"
	"strings"
)

// budgetText ends the message of a ~ pattern over the filter's budget.
const budgetText = ` (the regular expressions of one filter may compile to at most 4096 instructions together)`

// RepeatList joins n copies of item, with %d replaced by the index.
func RepeatList(item string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = strings.ReplaceAll(item, "%d", fmt.Sprint(i))
	}
	return strings.Join(parts, ",")
}

// limitCases are the bounds Keyward adds where the spec is silent
// (docs/DECISIONS.md): the program size of a filter's regular expressions
// and the number of order_by fields.
var limitCases = []Case{
	{Name: "RegexpNestedStarIsLinear", Filters: `[["name","~","(a*)*$"]]`, Want: `[]`},
	{Name: "RegexpLargeRepeatAccepted", Filters: `[["name","~","[a-z]{1000}"]]`, Want: `[]`},
	{Name: "RegexpStarRepeatAccepted", Filters: `[["name","~","(?:.*){1000}z"]]`, Want: `[]`},
	{Name: "ErrRegexpRepeatOverRE2", Filters: `[["name","~","a{1001}"]]`, Err: `filters: Value error, Invalid regular expression: "a{1001}"`},
	{Name: "ErrRegexpNestedRepeatOverRE2", Filters: `[["name","~","(a{1000}){1000}"]]`,
		Err: `filters: Value error, Invalid regular expression: "(a{1000}){1000}"`},
	{Name: "ErrRegexpProgramTooLarge", Filters: `[["name","~","(?:ab|cd|ef|gh|ij){1000}"]]`,
		Err: `filters: Value error, Invalid regular expression: "(?:ab|cd|ef|gh|ij){1000}"` + budgetText},
	{Name: "RegexpBudgetFull", Filters: `[["name","~","[a-z]{1000}[a-z]{1000}"],["OR",[["note","~","[a-z]{1000}"],["note","~","[0-9]{1000}x{96}"]]]]`,
		Want: `[]`},
	{Name: "ErrRegexpBudgetShared", Filters: `[["name","~","[a-z]{1000}[a-z]{1000}"],["OR",[["note","~","[a-z]{1000}"],["note","~","[0-9]{1000}x{97}"]]]]`,
		Err: `filters: Value error, Invalid regular expression: "[0-9]{1000}x{97}"` + budgetText},
	{Name: "RegexpManySmall", Filters: `[` + RepeatList(`["name","~","x%d"]`, 1000) + `]`, Want: `[]`},
	{Name: "ErrRegexpTooManySmall", Filters: `[` + RepeatList(`["name","~","x"]`, 5000) + `]`,
		Err: `filters: Value error, Invalid regular expression: "x"` + budgetText},
	{Name: "OrderByRepeatedField", Options: `{"order_by":["-score",` + RepeatList(`"score"`, 10000) + `]}`, Want: `[6,2,1,5,4,3]`},
	{Name: "OrderByMaxFields", Options: `{"order_by":["name",` + RepeatList(`"meta.f%d"`, 99) + `]}`, Want: `[3,4,1,6,5,2]`},
	{Name: "ErrOrderByTooManyFields", Options: `{"order_by":[` + RepeatList(`"meta.f%d"`, 101) + `]}`,
		Err: `options: Value error, order_by may name at most 100 different fields`},
	{Name: "LimitMaxWithHugeOffset", Options: `{"limit":10000,"offset":9223372036854775807}`, Want: `[]`},
}
