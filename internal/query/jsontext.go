package query

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/keyward/keyward/internal/ejson"
)

// compactJSON renders a decoded value as compact JSON for an error text:
// numbers as sent, date-times as {"$date": ms} and other ejson values in
// their wire form.
func compactJSON(v any) string {
	var b bytes.Buffer
	writeJSON(&b, v)
	return b.String()
}

func writeJSON(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case json.Number:
		b.WriteString(string(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case int:
		b.WriteString(strconv.Itoa(x))
	case float64:
		writeFloat(b, x)
	case string:
		writeString(b, x)
	case time.Time:
		fmt.Fprintf(b, `{"$date":%d}`, x.UnixMilli())
	case []any:
		writeArray(b, x)
	case ejson.Set:
		b.WriteString(`{"$set":`)
		writeArray(b, x)
		b.WriteByte('}')
	case map[string]any:
		keys := sortedKeys(x)
		vals := make([]any, len(keys))
		for i, k := range keys {
			vals[i] = x[k]
		}
		writeObject(b, keys, vals)
	case *ejson.Object:
		writeObject(b, x.Keys, x.Vals)
	default:
		writeEJSON(b, v)
	}
}

// writeEJSON renders the ejson values that filters may carry but entries
// never hold.
func writeEJSON(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case ejson.TimeOfDay:
		fmt.Fprintf(b, `{"$time":"%02d:%02d:%02d"}`, x.Hour, x.Minute, x.Second)
	case ejson.Date:
		fmt.Fprintf(b, `{"$type":"date","$value":"%04d-%02d-%02d"}`, x.Year, int(x.Month), x.Day)
	case ejson.Interface:
		b.WriteString(`{"$` + x.Family + `_interface":`)
		writeString(b, x.Address)
		b.WriteByte('}')
	case opaque:
		b.WriteString(x.text)
	default:
		writeString(b, fmt.Sprint(v))
	}
}

func writeFloat(b *bytes.Buffer, f float64) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		writeString(b, strconv.FormatFloat(f, 'g', -1, 64))
		return
	}
	out, _ := json.Marshal(f)
	b.Write(out)
}

func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b.Truncate(b.Len() - 1) // Encode appends a newline
}

func writeArray(b *bytes.Buffer, items []any) {
	b.WriteByte('[')
	for i, e := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSON(b, e)
	}
	b.WriteByte(']')
}

func writeObject(b *bytes.Buffer, keys []string, values []any) {
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, k)
		b.WriteByte(':')
		writeJSON(b, values[i])
	}
	b.WriteByte('}')
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
