package api_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/rpc"
)

// TestDocumentedExamples runs every example of the docs against a real
// server on every served API version, in registry order, each on a fresh
// connection logged in as the administrator (a fresh server per version).
// An error example must give exactly the documented error; a result must
// validate against that version's result schema (objects allow no member
// it does not declare), and on the current version have the documented
// shape (every documented key present with the same JSON type).
func TestDocumentedExamples(t *testing.T) {
	for _, v := range keyward.Versions {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			if n := runExamples(t, v); n < 40 {
				t.Fatalf("only %d examples", n)
			}
		})
	}
}

func runExamples(t *testing.T, v keyward.Version) int {
	srv := apptest.MustStart(t)
	srv.MustSetupAdmin(t)
	n := 0
	for _, s := range srv.Registry().Specs(v) {
		resultSchema := compileSchema(t, s.Result.JSON())
		for _, e := range s.Examples {
			n++
			t.Run(s.Name+"/"+e.Name, func(t *testing.T) {
				c := apptest.MustDial(t, srv.WSURL(string(v)))
				c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
				params := e.Params
				if params == nil {
					params = []any{}
				}
				resp := c.Call(s.Name, params...)
				checkAnswer(t, "the answer", resp["result"])
				checkAnswer(t, "the error", resp["error"])
				if e.Err != nil {
					want := normalize(t, rpc.ErrorObject(e.Err))
					if got := normalize(t, resp["error"]); !reflect.DeepEqual(got, want) {
						t.Fatalf("error %s, documented %s", jsonOf(got), jsonOf(want))
					}
					return
				}
				if resp["error"] != nil {
					t.Fatalf("error %s", apptest.String(resp["error"]))
				}
				got := normalize(t, resp["result"])
				if err := resultSchema.Validate(decodeDates(got)); err != nil {
					t.Fatalf("result %s does not match the %s result schema: %v", jsonOf(got), v, err)
				}
				if v != keyward.Current {
					return // the documented result has the newest shape
				}
				if err := sameShape("result", normalize(t, e.Result), got); err != nil {
					t.Fatalf("%v\ndocumented %s\ngot        %s", err, jsonOf(e.Result), jsonOf(got))
				}
			})
		}
	}
	return n
}

// decodeDates replaces each {"$date": ms} of a normalized answer by the
// RFC 3339 text of that time: the schemas describe a date-time as
// TrueNAS's do, as the string of format date-time the client decodes it
// to.
func decodeDates(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if ms, ok := x["$date"].(json.Number); ok && len(x) == 1 {
			n, err := ms.Int64()
			if err == nil {
				return time.UnixMilli(n).UTC().Format(time.RFC3339Nano)
			}
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = decodeDates(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = decodeDates(e)
		}
		return out
	}
	return v
}

func compileSchema(t *testing.T, s map[string]any) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	doc := normalize(t, s)
	if err := c.AddResource("result.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("result.json")
	if err != nil {
		t.Fatalf("compile %s: %v", jsonOf(s), err)
	}
	return sch
}

// normalize turns a value into what encoding/json decodes (numbers as
// json.Number for the validator).
func normalize(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameShape checks that every key of doc is in got with the same JSON
// type, recursively (lists: their first elements, when both have one).
func sameShape(path string, doc, got any) error {
	if kind(doc) != kind(got) {
		return fmt.Errorf("%s: documented %s, got %s", path, kind(doc), kind(got))
	}
	switch d := doc.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for k, v := range d {
			gv, ok := g[k]
			if !ok {
				return fmt.Errorf("%s.%s: documented, missing", path, k)
			}
			if err := sameShape(path+"."+k, v, gv); err != nil {
				return err
			}
		}
	case []any:
		g := got.([]any)
		if len(d) > 0 && len(g) > 0 {
			return sameShape(path+".0", d[0], g[0])
		}
	}
	return nil
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	}
	return "number"
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }
