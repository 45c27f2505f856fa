package query

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// EncodeJSON renders a canonical value as the text of a JSON column:
// date-times as {"$date": ms}, and floats with a fraction or exponent so
// that DecodeJSON gives back a float64.
func EncodeJSON(v any) (string, error) {
	var b bytes.Buffer
	if err := encodeJSON(&b, v); err != nil {
		return "", fmt.Errorf("query: encode JSON column: %w", err)
	}
	return b.String(), nil
}

func encodeJSON(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil, bool, int64, string:
		writeJSON(b, x)
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return fmt.Errorf("unsupported number %v", x)
		}
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".e") {
			s += ".0"
		}
		b.WriteString(s)
	case time.Time:
		fmt.Fprintf(b, `{"$date":%d}`, x.UnixMilli())
	case []any:
		return encodeJSONArray(b, x)
	case map[string]any:
		return encodeJSONObject(b, x)
	default:
		return fmt.Errorf("unsupported type %T", v)
	}
	return nil
}

func encodeJSONArray(b *bytes.Buffer, l []any) error {
	b.WriteByte('[')
	for i, e := range l {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := encodeJSON(b, e); err != nil {
			return err
		}
	}
	b.WriteByte(']')
	return nil
}

func encodeJSONObject(b *bytes.Buffer, m map[string]any) error {
	b.WriteByte('{')
	for i, k := range sortedKeys(m) {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, k)
		b.WriteByte(':')
		if err := encodeJSON(b, m[k]); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

// DecodeJSON parses the text of a JSON column into canonical form: integers
// become int64, other numbers float64, and {"$date": ms} a date-time (as on
// the wire, an object with the single key "$date" and an integer is always
// a date-time).
func DecodeJSON(text string) (any, error) {
	d := json.NewDecoder(strings.NewReader(text))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("query: decode JSON column: %w", err)
	}
	return canonicalJSON(v), nil
}

func canonicalJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		return parseNumber(x)
	case []any:
		for i, e := range x {
			x[i] = canonicalJSON(e)
		}
	case map[string]any:
		if t, ok := dateObject(x); ok {
			return t
		}
		for k, e := range x {
			x[k] = canonicalJSON(e)
		}
	}
	return v
}

// dateObject recognizes {"$date": ms} with an integer ms.
func dateObject(m map[string]any) (time.Time, bool) {
	if len(m) != 1 {
		return time.Time{}, false
	}
	n, ok := m["$date"].(json.Number)
	if !ok {
		return time.Time{}, false
	}
	ms, ok := parseNumber(n).(int64)
	if !ok {
		return time.Time{}, false
	}
	return time.UnixMilli(ms).UTC(), true
}
