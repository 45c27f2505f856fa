package query

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"time"
	"unicode/utf8"

	"github.com/keyward/keyward/internal/ejson"
)

// opcode is an operator of section 11.2 without its C prefix.
type opcode int

const (
	opEq opcode = iota
	opNe
	opGt
	opGe
	opLt
	opLe
	opRegexp
	opIn
	opNin
	opRin
	opRnin
	opPrefix
	opNotPrefix
	opSuffix
	opNotSuffix
)

var opcodes = map[string]opcode{
	"=": opEq, "!=": opNe, ">": opGt, ">=": opGe, "<": opLt, "<=": opLe,
	"~": opRegexp, "in": opIn, "nin": opNin, "rin": opRin, "rnin": opRnin,
	"^": opPrefix, "!^": opNotPrefix, "$": opSuffix, "!$": opNotSuffix,
}

// maxPattern is the longest regular expression accepted, in characters.
const maxPattern = 1024

// MaxRegexProgram bounds the work of the ~ conditions of one filter: their
// patterns together may compile to at most this many instructions (as
// estimated by programSize). Go's RE2 engine matches in time linear in the
// text, but the factor is the program size, which counted repetitions
// multiply: "(?:.*){1000}z" is a 13-character pattern of 2003
// instructions, and the parser alone allows programs of millions. The
// bound keeps both compiling and matching (per character of every value
// tested) cheap, for patterns spread over many conditions as well.
const MaxRegexProgram = 4096

// cond is one [field, op, value] condition, ready to evaluate.
type cond struct {
	path []string // segments, without a trailing $date
	op   string   // as sent, e.g. "Cin"
	base opcode
	fold bool
	// y is the normalized filter value; with fold, it is folded when
	// foldable (a string or a list of strings).
	y        any
	raw      any // the normalized value before folding
	foldable bool
	re       *regexp.Regexp
}

// lookupOp splits an operator into its opcode and C prefix.
func lookupOp(op string) (opcode, bool, bool) {
	if code, ok := opcodes[op]; ok {
		return code, false, true
	}
	if len(op) > 1 && op[0] == 'C' {
		if code, ok := opcodes[op[1:]]; ok && code != opRegexp {
			return code, true, true
		}
	}
	return 0, false, false
}

// parseCond validates a three-element condition.
func (p *parser) parseCond(l []any) (*cond, string) {
	field, ok := l[0].(string)
	if !ok || field == "" {
		return nil, invalidFilter(l)
	}
	op, ok := l[1].(string)
	if !ok {
		return nil, "Invalid operation: " + opText(l[1])
	}
	if op == "C~" {
		return nil, "Invalid case-insensitive operation: C~"
	}
	code, fold, ok := lookupOp(op)
	if !ok {
		return nil, "Invalid operation: " + op
	}
	path, y := splitPath(field), l[2]
	if n := len(path); n > 1 && path[n-1] == "$date" {
		path = path[:n-1]
		if fold || code > opLe {
			return nil, op + ": invalid timestamp operation."
		}
		t, ok := dateValue(y)
		if !ok {
			return nil, compactJSON(y) + ": must be an ISO-8601 formatted timestamp string"
		}
		y = t
	}
	if code == opRegexp {
		if msg := p.checkPattern(y); msg != "" {
			return nil, msg
		}
	}
	c, err := buildCond(op, path, normalize(y))
	if err != nil {
		return nil, "Invalid regular expression: " + compactJSON(y)
	}
	return c, ""
}

// dateValue reads the value of a .$date condition.
func dateValue(y any) (time.Time, bool) {
	switch v := y.(type) {
	case string:
		return parseISO(v)
	case time.Time:
		return v.UTC(), true
	}
	return time.Time{}, false
}

// checkPattern validates the value of a ~ condition and charges its
// program size to the filter's budget.
func (p *parser) checkPattern(y any) string {
	invalid := "Invalid regular expression: " + compactJSON(y)
	s, ok := y.(string)
	if !ok || utf8.RuneCountInString(s) > maxPattern {
		return invalid
	}
	re, err := syntax.Parse(s, syntax.Perl)
	if err != nil {
		return invalid
	}
	size := programSize(re)
	if size > p.regexBudget {
		return fmt.Sprintf("%s (the regular expressions of one filter may compile to at most %d instructions together)",
			invalid, MaxRegexProgram)
	}
	p.regexBudget -= size
	return ""
}

// programSize estimates the number of instructions re compiles to, the way
// Go's regexp/syntax parser does for its own size limit: a counted
// repetition costs its copies, and an optional copy one more.
func programSize(re *syntax.Regexp) int {
	size := 0
	switch re.Op {
	case syntax.OpLiteral:
		size = len(re.Rune)
	case syntax.OpCapture, syntax.OpStar:
		size = 2 + programSize(re.Sub[0])
	case syntax.OpPlus, syntax.OpQuest:
		size = 1 + programSize(re.Sub[0])
	case syntax.OpConcat, syntax.OpAlternate:
		for _, sub := range re.Sub {
			size += programSize(sub)
		}
		if re.Op == syntax.OpAlternate {
			size += len(re.Sub) - 1
		}
	case syntax.OpRepeat:
		sub := programSize(re.Sub[0])
		switch {
		case re.Max == -1 && re.Min == 0:
			size = 2 + sub
		case re.Max == -1:
			size = 1 + re.Min*sub
		default:
			size = re.Max*sub + re.Max - re.Min
		}
	}
	return max(1, size)
}

// buildCond makes a condition from valid parts; y must be normalized.
func buildCond(op string, path []string, y any) (*cond, error) {
	code, fold, _ := lookupOp(op)
	c := &cond{path: path, op: op, base: code, fold: fold, y: y, raw: y}
	if fold {
		c.y, c.foldable = foldValue(y)
	}
	if code == opRegexp {
		pattern, ok := y.(string)
		if !ok {
			return nil, errors.New("query: pattern is not a string")
		}
		re, err := anchoredRegexp(pattern)
		if err != nil {
			return nil, err
		}
		c.re = re
	}
	return c, nil
}

// anchoredRegexp compiles pattern so that it matches only at the start of
// the text, like Python's re.match. The pattern is parsed alone first:
// wrapped, "a)|(b" would parse.
func anchoredRegexp(pattern string) (*regexp.Regexp, error) {
	if _, err := syntax.Parse(pattern, syntax.Perl); err != nil {
		return nil, err
	}
	return regexp.Compile(`\A(?:` + pattern + `)`)
}

// normalize converts a decoded filter value to canonical form: numbers to
// int64 or float64, sets to lists, ejson objects to maps. Values no entry
// can hold become opaque.
func normalize(v any) any {
	switch x := v.(type) {
	case nil, bool, int64, float64, string:
		return v
	case int:
		return int64(x)
	case json.Number:
		return parseNumber(x)
	case time.Time:
		return x.UTC()
	case []any:
		return normalizeList(x)
	case ejson.Set:
		return normalizeList(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case *ejson.Object:
		return normalize(ejson.Plain(x))
	}
	return opaque{text: compactJSON(v)}
}

func normalizeList(l []any) []any {
	out := make([]any, len(l))
	for i, e := range l {
		out[i] = normalize(e)
	}
	return out
}
