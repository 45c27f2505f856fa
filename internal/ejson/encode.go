package ejson

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// Marshal encodes v as JSON, writing date-times as {"$date": ms} in whole
// seconds, Sets as {"$set": [...]} and map keys in sorted order. Values of
// other types go through encoding/json.
func Marshal(v any) ([]byte, error) {
	return Append(nil, v)
}

// Append appends the encoding of v to buf.
func Append(buf []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...), nil
	case bool:
		return strconv.AppendBool(buf, x), nil
	case string:
		return AppendString(buf, x), nil
	case int:
		return strconv.AppendInt(buf, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(buf, x, 10), nil
	case int32:
		return strconv.AppendInt(buf, int64(x), 10), nil
	case uint64:
		return strconv.AppendUint(buf, x, 10), nil
	case float64:
		return appendFloat(buf, x)
	case json.Number:
		return append(buf, x...), nil
	case json.RawMessage:
		return append(buf, x...), nil
	case time.Time:
		return appendDate(buf, x), nil
	case *time.Time:
		if x == nil {
			return append(buf, "null"...), nil
		}
		return appendDate(buf, *x), nil
	case map[string]any:
		return appendMap(buf, x)
	case *Object:
		return appendObject(buf, x)
	case []any:
		return appendList(buf, x)
	case []string:
		return appendSlice(buf, x)
	case []int64:
		return appendSlice(buf, x)
	case Set:
		buf = append(buf, `{"$set":`...)
		buf, err := appendList(buf, x)
		return append(buf, '}'), err
	case TimeOfDay:
		return fmt.Appendf(buf, `{"$time":"%02d:%02d:%02d"}`, x.Hour, x.Minute, x.Second), nil
	case Date:
		return fmt.Appendf(buf, `{"$type":"date","$value":"%04d-%02d-%02d"}`, x.Year, x.Month, x.Day), nil
	}
	return appendOther(buf, v)
}

// appendOther encodes values of other types; a nil pointer is null.
func appendOther(buf []byte, v any) ([]byte, error) {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return append(buf, "null"...), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return buf, fmt.Errorf("ejson: encode %T: %w", v, err)
	}
	return append(buf, b...), nil
}

// DateMillis returns the wire value of t: milliseconds since the epoch,
// truncated to whole seconds.
func DateMillis(t time.Time) int64 { return t.Unix() * 1000 }

func appendDate(buf []byte, t time.Time) []byte {
	buf = append(buf, `{"$date":`...)
	buf = strconv.AppendInt(buf, DateMillis(t), 10)
	return append(buf, '}')
}

func appendFloat(buf []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return buf, fmt.Errorf("ejson: cannot encode %v", f)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.AppendFloat(buf, f, 'f', -1, 64), nil
	}
	return strconv.AppendFloat(buf, f, 'g', -1, 64), nil
}

func appendMap(buf []byte, m map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return appendMembers(buf, keys, func(k string) any { return m[k] })
}

func appendObject(buf []byte, o *Object) ([]byte, error) {
	buf = append(buf, '{')
	var err error
	for i, k := range o.Keys {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = AppendString(buf, k)
		buf = append(buf, ':')
		if buf, err = Append(buf, o.Vals[i]); err != nil {
			return buf, err
		}
	}
	return append(buf, '}'), nil
}

func appendMembers(buf []byte, keys []string, get func(string) any) ([]byte, error) {
	buf = append(buf, '{')
	var err error
	for i, k := range keys {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = AppendString(buf, k)
		buf = append(buf, ':')
		if buf, err = Append(buf, get(k)); err != nil {
			return buf, err
		}
	}
	return append(buf, '}'), nil
}

func appendList(buf []byte, list []any) ([]byte, error) {
	return appendSlice(buf, list)
}

func appendSlice[T any](buf []byte, list []T) ([]byte, error) {
	buf = append(buf, '[')
	var err error
	for i, e := range list {
		if i > 0 {
			buf = append(buf, ',')
		}
		if buf, err = Append(buf, e); err != nil {
			return buf, err
		}
	}
	return append(buf, ']'), nil
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD.
func AppendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				buf = append(buf, '\\', c)
			case c >= 0x20:
				buf = append(buf, c)
			case c == '\n':
				buf = append(buf, '\\', 'n')
			case c == '\r':
				buf = append(buf, '\\', 'r')
			case c == '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, `\ufffd`...)
		} else {
			buf = append(buf, s[i:i+size]...)
		}
		i += size
	}
	return append(buf, '"')
}
