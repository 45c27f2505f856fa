package api_test

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/apptest"
)

// ejsonForm is an object that TrueNAS's client decodes as extended JSON
// (truenas_api_client/ejson.py object_hook): exactly one key among $date,
// $time, $set, $ipv4_interface and $ipv6_interface, or exactly the keys
// $type and $value. Any other object stays a dict.
type ejsonForm struct {
	path  string
	meant bool // a well-formed value of its form, which the client decodes
}

// ejsonForms lists every such object in v (decoded JSON), by the path of
// keys and indexes leading to it.
func ejsonForms(path string, v any) []ejsonForm {
	var out []ejsonForm
	switch x := v.(type) {
	case map[string]any:
		if shaped, meant := ejsonShape(x); shaped {
			out = append(out, ejsonForm{path: path, meant: meant})
		}
		for k, e := range x {
			out = append(out, ejsonForms(path+"."+k, e)...)
		}
	case []any:
		for i, e := range x {
			out = append(out, ejsonForms(path+"."+strconv.Itoa(i), e)...)
		}
	}
	return out
}

var timeOfDay = regexp.MustCompile(`^\d\d:\d\d:\d\d(\.\d{1,6})?$`)

// ejsonShape reports whether o has a shape the client decodes, and if so
// whether it holds a value of that form the client decodes without error
// into what it stands for.
func ejsonShape(o map[string]any) (shaped, meant bool) {
	if len(o) == 2 {
		t, okT := o["$type"]
		v, okV := o["$value"]
		if !okT || !okV {
			return false, false
		}
		s, _ := v.(string)
		_, err := time.Parse(time.DateOnly, s)
		return true, t == "date" && err == nil
	}
	if len(o) != 1 {
		return false, false
	}
	for k, v := range o {
		switch k {
		case "$date":
			return true, isInteger(v)
		case "$time":
			s, _ := v.(string)
			return true, timeOfDay.MatchString(s)
		case "$set":
			return true, isScalarList(v)
		case "$ipv4_interface", "$ipv6_interface":
			s, _ := v.(string)
			p, err := netip.ParsePrefix(s)
			return true, err == nil && p.Addr().Is4() == (k == "$ipv4_interface")
		}
	}
	return false, false
}

func isInteger(v any) bool {
	switch n := v.(type) {
	case json.Number:
		_, err := n.Int64()
		return err == nil
	case float64:
		return n == math.Trunc(n)
	case int, int64:
		return true
	}
	return false
}

// isScalarList: Python's set() of the list must not meet an unhashable
// list or dict.
func isScalarList(v any) bool {
	list, ok := v.([]any)
	if !ok {
		return false
	}
	for _, e := range list {
		switch e.(type) {
		case []any, map[string]any:
			return false
		}
	}
	return true
}

// checkAnswer fails on an object of an answer that the client would decode
// as extended JSON and fail on or misread.
func checkAnswer(t *testing.T, what string, v any) {
	t.Helper()
	for _, f := range ejsonForms("", v) {
		if !f.meant {
			t.Errorf("%s: an accidental extended-JSON object at %q", what, f.path)
		}
	}
}

// checkSchemaDocument fails on any extended-JSON object of a schema
// document outside its example values; inside those, only well-formed
// values are allowed.
func checkSchemaDocument(t *testing.T, what string, v any) {
	t.Helper()
	for _, f := range ejsonForms("", v) {
		if !f.meant || !strings.Contains(f.path, ".examples.") {
			t.Errorf("%s: an extended-JSON object at %q", what, f.path)
		}
	}
}

// TestNoAccidentalEJSON: TrueNAS's client decodes every answer with its
// extended-JSON hook, and an object it cannot decode drops the whole
// answer (issue 16 item 4). No schema document - core.get_methods and the
// OpenRPC document, on every served path - holds an extended-JSON object
// except well-formed example values, and no documented example's params
// or answer holds one that is not well-formed. (TestDocumentedExamples
// checks every real answer of the examples the same way.)
func TestNoAccidentalEJSON(t *testing.T) {
	srv := apptest.MustStart(t)
	srv.MustSetupAdmin(t)
	for _, p := range keyward.Paths {
		c := apptest.MustDial(t, srv.WSURL(string(p)))
		c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
		resp := c.Call("core.get_methods")
		if resp["error"] != nil {
			t.Fatalf("%s: core.get_methods: %s", p, apptest.String(resp["error"]))
		}
		checkSchemaDocument(t, string(p)+" core.get_methods", resp["result"])
		if n := len(resp["result"].(map[string]any)); n < 30 {
			t.Fatalf("%s: core.get_methods lists only %d methods", p, n)
		}
		checkSchemaDocument(t, string(p)+" openrpc.json", fetchJSON(t, srv.URL("/api/docs/"+string(p)+"/openrpc.json")))
		for _, s := range srv.Registry().Specs(p.Version()) {
			for _, e := range s.Examples {
				checkAnswer(t, string(p)+" "+s.Name+" example "+e.Name+" params", normalize(t, e.Params))
				checkAnswer(t, string(p)+" "+s.Name+" example "+e.Name+" result", normalize(t, e.Result))
			}
		}
	}
}

func fetchJSON(t *testing.T, url string) any {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return v
}

// TestEJSONFormsFound: the walker finds what the client's hook decodes and
// tells well-formed values from accidents, such as the property list of
// an object schema with a single "$date" property.
func TestEJSONFormsFound(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		doc   string
		found string // path:meant, comma separated
	}{
		{`{"properties": {"$date": {"type": "integer"}}}`, ".properties:false"},
		{`{"a": [{"$date": 1767225600000}], "b": {"$set": ["X"]}}`, ".a.0:true,.b:true"},
		{`{"$set": [{"a": 1}]}`, ":false"},
		{`{"$type": "date", "$value": "2026-01-01"}`, ":true"},
		{`{"$type": "object", "$value": 1}`, ":false"},
		{`{"$time": "soon"}`, ":false"},
		{`{"$ipv4_interface": "10.0.0.1/8"}`, ":true"},
		{`{"$ipv6_interface": "10.0.0.1/8"}`, ":false"},
		{`{"$date": 1, "other": 2}`, ""},
		{`{"type": "string", "format": "date-time"}`, ""},
	} {
		var v any
		d := json.NewDecoder(strings.NewReader(tc.doc))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range ejsonForms("", v) {
			got = append(got, f.path+":"+strconv.FormatBool(f.meant))
		}
		slices.Sort(got)
		if strings.Join(got, ",") != tc.found {
			t.Errorf("%s: found %v, want %s", tc.doc, got, tc.found)
		}
	}
}
