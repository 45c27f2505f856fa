package ejson

import (
	"encoding/json"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// decodeForm turns a just-parsed object into the ejson value it encodes,
// or returns it unchanged when it is an ordinary object.
func decodeForm(o *Object) (any, error) {
	switch len(o.Keys) {
	case 1:
		k, v := o.Keys[0], o.Vals[0]
		switch k {
		case "$date":
			return decodeDate(v)
		case "$time":
			return decodeTime(v)
		case "$set":
			return decodeSet(v)
		case "$ipv4_interface":
			return decodeInterface(k, "ipv4", v)
		case "$ipv6_interface":
			return decodeInterface(k, "ipv6", v)
		}
	case 2:
		if t, ok := o.Get("$type"); ok && t == "date" {
			if v, ok := o.Get("$value"); ok {
				return decodeCalendarDate(v)
			}
		}
	}
	return o, nil
}

func decodeDate(v any) (any, error) {
	n, ok := v.(json.Number)
	if !ok {
		return nil, &FormError{Key: "$date", Detail: "expected a number of milliseconds since the epoch"}
	}
	if ms, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return fromMillis(ms)
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) || f > maxMillis || f < minMillis {
		return nil, &FormError{Key: "$date", Detail: "timestamp out of range"}
	}
	return fromMillis(int64(f)) // fractions of a millisecond are dropped
}

// Dates are bounded to the years 1..9999, which every client can show.
const (
	minMillis = -62135596800000
	maxMillis = 253402300799999
)

func fromMillis(ms int64) (any, error) {
	if ms > maxMillis || ms < minMillis {
		return nil, &FormError{Key: "$date", Detail: "timestamp out of range"}
	}
	return time.UnixMilli(ms).UTC(), nil
}

func decodeTime(v any) (any, error) {
	bad := &FormError{Key: "$time", Detail: "expected \"HH:MM:SS\""}
	s, ok := v.(string)
	if !ok {
		return nil, bad
	}
	parts := strings.Split(s, ":")
	if len(parts) > 4 {
		return nil, bad
	}
	var nums [4]int
	limits := [4]int{23, 59, 59, 999999}
	for i, part := range parts {
		n, err := strconv.Atoi(part)
		if err != nil || n < 0 || n > limits[i] {
			return nil, bad
		}
		nums[i] = n
	}
	return TimeOfDay{Hour: nums[0], Minute: nums[1], Second: nums[2], Microsecond: nums[3]}, nil
}

func decodeSet(v any) (any, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, &FormError{Key: "$set", Detail: "expected an array"}
	}
	for _, e := range arr {
		switch e.(type) {
		case []any, *Object, Set:
			return nil, &FormError{Key: "$set", Detail: "set elements must not be arrays or objects"}
		}
	}
	return Set(arr), nil
}

func decodeCalendarDate(v any) (any, error) {
	s, ok := v.(string)
	t, err := time.Parse(time.DateOnly, s)
	if !ok || err != nil {
		return nil, &FormError{Key: "$type", Detail: "expected a date \"YYYY-MM-DD\""}
	}
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
}

func decodeInterface(key, family string, v any) (any, error) {
	s, ok := v.(string)
	pfx, err := netip.ParsePrefix(s)
	if !ok || err != nil || (family == "ipv4") != pfx.Addr().Is4() {
		return nil, &FormError{Key: key, Detail: "expected an " + family + " address with a prefix length"}
	}
	return Interface{Family: family, Address: s}, nil
}
