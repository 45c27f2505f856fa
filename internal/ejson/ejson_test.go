package ejson_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/ejson"
)

func TestDecode(t *testing.T) {
	date := time.UnixMilli(1767225600123).UTC()
	tests := []struct {
		name string
		in   string
		want any
	}{
		{"OK/number literal kept", `12345678901234567890.50`, json.Number("12345678901234567890.50")},
		{"OK/date", `{"$date": 1767225600123}`, date},
		{"OK/date fraction dropped", `{"$date": 1767225600123.9}`, date},
		{"OK/date exponent", `{"$date": 1.7672256e12}`, time.UnixMilli(1767225600000).UTC()},
		{"OK/time", `{"$time": "12:30:05"}`, ejson.TimeOfDay{Hour: 12, Minute: 30, Second: 5}},
		{"OK/time with microseconds", `{"$time": "1:2:3:4"}`, ejson.TimeOfDay{Hour: 1, Minute: 2, Second: 3, Microsecond: 4}},
		{"OK/set", `{"$set": [1, "a", null]}`, ejson.Set{json.Number("1"), "a", nil}},
		{"OK/calendar date", `{"$type": "date", "$value": "2026-01-31"}`, ejson.Date{Year: 2026, Month: 1, Day: 31}},
		{"OK/ipv4 interface", `{"$ipv4_interface": "10.0.0.1/24"}`, ejson.Interface{Family: "ipv4", Address: "10.0.0.1/24"}},
		{"OK/date with extra key is an object", `{"$date": 1, "x": 2}`,
			&ejson.Object{Keys: []string{"$date", "x"}, Vals: []any{json.Number("1"), json.Number("2")}}},
		{"OK/other dollar key is an object", `{"$foo": 1}`,
			&ejson.Object{Keys: []string{"$foo"}, Vals: []any{json.Number("1")}}},
		{"OK/key order and last duplicate", `{"b": 1, "a": 2, "b": 3}`,
			&ejson.Object{Keys: []string{"b", "a"}, Vals: []any{json.Number("3"), json.Number("2")}}},
		{"OK/nested date", `[{"x": {"$date": 0}}]`,
			[]any{&ejson.Object{Keys: []string{"x"}, Vals: []any{time.UnixMilli(0).UTC()}}}},
		{"OK/escapes", `"a\n\u00e9\ud83d\ude00\ud800"`, "a\né😀\ufffd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ejson.Decode([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"ErrSyntax/unterminated", `{"a":`, "unexpected end of input"},
		{"ErrSyntax/NaN", `NaN`, "unexpected character"},
		{"ErrSyntax/control character", "\"a\x01\"", "control character"},
		{"ErrSyntax/leading zero", `01`, "unexpected data"},
		{"ErrSyntax/depth", strings.Repeat("[", 65) + strings.Repeat("]", 65), "nesting deeper than 64"},
		{"ErrSyntax/bad escape", `"\x"`, "invalid escape"},
		{"ErrForm/date string", `{"$date": "soon"}`, "Error parsing $date: "},
		{"ErrForm/date huge", `{"$date": 1e300}`, "Error parsing $date: "},
		{"ErrForm/time fraction", `{"$time": "1.5"}`, "Error parsing $time: "},
		{"ErrForm/time too many parts", `{"$time": "1:2:3:4:5"}`, "Error parsing $time: "},
		{"ErrForm/set of lists", `{"$set": [[1]]}`, "Error parsing $set: "},
		{"ErrForm/calendar date", `{"$type": "date", "$value": "2026-13-01"}`, "Error parsing $type: "},
		{"ErrForm/ipv6 with ipv4", `{"$ipv6_interface": "10.0.0.1/8"}`, "Error parsing $ipv6_interface: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ejson.Decode([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if strings.HasPrefix(tt.name, "ErrForm") != ejson.IsFormError(err) {
				t.Fatalf("IsFormError(%v) is wrong", err)
			}
		})
	}
}

func TestMarshal(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"OK/date truncated to seconds", time.UnixMilli(1767225600999), `{"$date":1767225600000}`},
		{"OK/map keys sorted", map[string]any{"b": 1, "a": []any{true, nil}}, `{"a":[true,null],"b":1}`},
		{"OK/set", ejson.Set{"x"}, `{"$set":["x"]}`},
		{"OK/object keeps order", &ejson.Object{Keys: []string{"z", "a"}, Vals: []any{1, 2}}, `{"z":1,"a":2}`},
		{"OK/string escapes", "a\"\\\x01\u2028<", `"a\"\\\u0001` + "\u2028" + `<"`},
		{"OK/invalid UTF-8 replaced", "a\xffb", `"a\ufffdb"`},
		{"OK/number literal", json.Number("1e3"), `1e3`},
		{"OK/integral float", 3.0, `3`},
		{"OK/struct via encoding/json", struct {
			A int `json:"a"`
		}{1}, `{"a":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ejson.Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestMarshalNaN(t *testing.T) {
	if _, err := ejson.Marshal([]any{1.0, nan()}); err == nil {
		t.Fatal("NaN encoded without error")
	}
}

func nan() float64 { z := 0.0; return z / z }

// FuzzDecode checks the parser against encoding/json: both accept the same
// texts (apart from the nesting limit and ejson forms), and whatever is
// accepted encodes again.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"core.ping","params":[]}`,
		`{"$date": 1767225600123}`, `{"$time":"1:2:3"}`, `{"$set":[1,2]}`, `{"$type":"date","$value":"2026-01-01"}`,
		`{"$ipv4_interface":"1.2.3.4/8"}`, `[1, -0.5e10, "\ud800", true, null]`, `{"a":{"b":[{}]}}`, `"\u0000"`,
		`1e999`, `-`, `[`, `{"a" 1}`, "\"\xff\"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ejson.Decode(data)
		if err != nil {
			if !ejson.IsFormError(err) && json.Valid(data) && !strings.Contains(err.Error(), "nesting") {
				t.Fatalf("rejected valid JSON %q: %v", data, err)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		out, err := ejson.Marshal(v)
		if err != nil {
			t.Fatalf("re-encode %q: %v", data, err)
		}
		if _, err := ejson.Decode(out); err != nil && !strings.Contains(err.Error(), "nesting") {
			t.Fatalf("re-encoded %q does not decode: %v", out, err)
		}
	})
}

func TestManyKeys(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range 100000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"k%d":%d`, i%50000, i)
	}
	b.WriteString("}")
	v, err := ejson.Decode([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	o := v.(*ejson.Object)
	if got, _ := o.Get("k7"); o.Len() != 50000 || got != json.Number("50007") {
		t.Fatalf("%d keys, k7 = %v", o.Len(), got)
	}
}
