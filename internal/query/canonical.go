package query

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/keyward/keyward/internal/ejson"
)

// Canonical converts a decoded JSON value (params as sent, say) to the
// canonical form entries use: numbers become int64 or float64, sets become
// lists, and the ejson values entries never hold become their wire objects.
func Canonical(v any) any {
	switch x := v.(type) {
	case json.Number:
		return parseNumber(x)
	case int:
		return int64(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Canonical(e)
		}
		return out
	case ejson.Set:
		return Canonical([]any(x))
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = Canonical(e)
		}
		return out
	case *ejson.Object:
		return Canonical(ejson.Plain(x))
	case ejson.TimeOfDay:
		return map[string]any{"$time": fmt.Sprintf("%02d:%02d:%02d", x.Hour, x.Minute, x.Second)}
	case ejson.Date:
		return map[string]any{"$type": "date", "$value": fmt.Sprintf("%04d-%02d-%02d", x.Year, int(x.Month), x.Day)}
	case ejson.Interface:
		return map[string]any{"$" + x.Family + "_interface": x.Address}
	case time.Time:
		return x.UTC()
	}
	return v
}
