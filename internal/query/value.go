package query

import (
	"encoding/json"
	"math"
	"strings"
	"time"
)

// kind is the type class of a canonical value. The order of the constants
// is the total sort order of section 11.3.
type kind int

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindTime
	kindString
	kindArray
	kindObject
	// kindOther is a value no entry holds (a decoded $time, date or
	// interface): it equals nothing and orders with nothing.
	kindOther
)

// opaque wraps a filter value of kindOther; text is its JSON form.
type opaque struct{ text string }

func kindOf(v any) kind {
	switch v.(type) {
	case nil:
		return kindNull
	case bool:
		return kindBool
	case int64, float64, int, json.Number:
		return kindNumber
	case time.Time:
		return kindTime
	case string:
		return kindString
	case []any:
		return kindArray
	case map[string]any:
		return kindObject
	}
	return kindOther
}

// number is a numeric value: an exact integer or a float.
type number struct {
	i     int64
	f     float64
	isInt bool
}

func numberOf(v any) (number, bool) {
	switch x := v.(type) {
	case int64:
		return number{i: x, isInt: true}, true
	case int:
		return number{i: int64(x), isInt: true}, true
	case float64:
		return number{f: x}, true
	case json.Number:
		n := parseNumber(x)
		return numberOf(n)
	}
	return number{}, false
}

// parseNumber converts a JSON number literal to int64 when it is an integer
// within range, and to float64 otherwise (overflow gives ±Inf).
func parseNumber(n json.Number) any {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		if i, err := n.Int64(); err == nil {
			return i
		}
	}
	f, err := n.Float64()
	if err != nil && !math.IsInf(f, 0) {
		return float64(0)
	}
	return f
}

// compareNumbers compares two numbers exactly, also an int64 with a float64.
func compareNumbers(a, b number) int {
	switch {
	case a.isInt && b.isInt:
		return compareInts(a.i, b.i)
	case !a.isInt && !b.isInt:
		return compareFloats(a.f, b.f)
	case a.isInt:
		return -compareFloatInt(b.f, a.i)
	}
	return compareFloatInt(a.f, b.i)
}

func compareInts(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compareFloats(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareFloatInt compares f with i without losing precision.
func compareFloatInt(f float64, i int64) int {
	const two63 = 9223372036854775808.0
	switch {
	case math.IsNaN(f):
		return -1
	case f >= two63:
		return 1
	case f < -two63:
		return -1
	}
	t := math.Trunc(f)
	if c := compareInts(int64(t), i); c != 0 {
		return c
	}
	return compareFloats(f, t)
}

// equal is the deep JSON equality of the = operator: numbers by value,
// date-times by instant, and values of different kinds never equal.
func equal(a, b any) bool {
	ka, kb := kindOf(a), kindOf(b)
	if ka != kb {
		return false
	}
	switch ka {
	case kindNull:
		return true
	case kindBool:
		return a.(bool) == b.(bool)
	case kindNumber:
		na, _ := numberOf(a)
		nb, _ := numberOf(b)
		return compareNumbers(na, nb) == 0
	case kindTime:
		return a.(time.Time).Equal(b.(time.Time))
	case kindString:
		return a.(string) == b.(string)
	case kindArray:
		return equalArrays(a.([]any), b.([]any))
	case kindObject:
		return equalObjects(a.(map[string]any), b.(map[string]any))
	}
	return false
}

func equalArrays(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func equalObjects(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb, ok := b[k]
		if !ok || !equal(va, vb) {
			return false
		}
	}
	return true
}

// compareOrdered compares a and b for the ordering operators: only
// number–number, string–string and date-time–date-time pairs are ordered.
func compareOrdered(a, b any) (int, bool) {
	ka := kindOf(a)
	if ka != kindOf(b) {
		return 0, false
	}
	switch ka {
	case kindNumber, kindString, kindTime:
		return compareSameKind(ka, a, b), true
	}
	return 0, false
}

// compareSameKind orders two values of kind k; arrays, objects and other
// values tie.
func compareSameKind(k kind, a, b any) int {
	switch k {
	case kindBool:
		return compareInts(boolInt(a.(bool)), boolInt(b.(bool)))
	case kindNumber:
		na, _ := numberOf(a)
		nb, _ := numberOf(b)
		return compareNumbers(na, nb)
	case kindTime:
		return a.(time.Time).Compare(b.(time.Time))
	case kindString:
		return strings.Compare(a.(string), b.(string))
	}
	return 0
}

// compareTotal is the total sort order: by kind first, then by value.
func compareTotal(a, b any) int {
	ka, kb := kindOf(a), kindOf(b)
	if ka != kb {
		return compareInts(int64(ka), int64(kb))
	}
	return compareSameKind(ka, a, b)
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
