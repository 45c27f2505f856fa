package compat

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
)

// specDiff lists how a method as served on an older version (old)
// differs from the newest (cur): access, params and result. Descriptions
// are not compared.
func specDiff(cur, old *rpc.Spec) []string {
	var out []string
	if cur.Access != old.Access {
		out = append(out, "access: "+accessText(old))
	}
	out = append(out, paramsDiff(cur.Params, old.Params)...)
	out = append(out, schemaDiff("result", cur.Result, old.Result)...)
	return unique(out)
}

// unique drops repeated notes (the list and the single-entry alternative
// of a query result differ alike), keeping the first.
func unique(notes []string) []string {
	var out []string
	for _, n := range notes {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func paramsDiff(cur, old []schema.Field) []string {
	var out []string
	for i := range max(len(cur), len(old)) {
		switch {
		case i >= len(old):
			out = append(out, fmt.Sprintf("no param `%s`", cur[i].Name))
		case i >= len(cur):
			out = append(out, fmt.Sprintf("param `%s` only here", old[i].Name))
		case cur[i].Name != old[i].Name:
			out = append(out, fmt.Sprintf("param %d is `%s`", i+1, old[i].Name))
		default:
			out = append(out, fieldDiff("", cur[i], old[i])...)
		}
	}
	return out
}

// fieldDiff compares two fields of one name, at path prefix.
func fieldDiff(prefix string, cur, old schema.Field) []string {
	path := join(prefix, cur.Name)
	var out []string
	if cur.Required != old.Required {
		out = append(out, fmt.Sprintf("`%s` %s here", path, map[bool]string{true: "required", false: "optional"}[old.Required]))
	}
	if cur.HasDefault != old.HasDefault || shape(cur.Default) != shape(old.Default) {
		out = append(out, fmt.Sprintf("`%s` default %s", path, shape(old.Default)))
	}
	return append(out, schemaDiff(path, cur.Schema, old.Schema)...)
}

// schemaDiff lists how old differs from cur at path: members only the
// old schema has ("only here"), members it lacks ("no"), other changes.
func schemaDiff(path string, cur, old *schema.Schema) []string {
	switch {
	case cur == old:
		return nil
	case cur == nil || old == nil:
		return []string{fmt.Sprintf("`%s` differs", path)}
	case shape(strip(cur.JSON())) == shape(strip(old.JSON())):
		return nil
	case cur.Nullable != old.Nullable:
		return []string{fmt.Sprintf("`%s` %s", path, map[bool]string{true: "may be null", false: "never null"}[old.Nullable])}
	case cur.Kind != old.Kind:
		if old.Kind == schema.KindNull {
			return []string{fmt.Sprintf("`%s` is null", path)}
		}
		return []string{fmt.Sprintf("`%s` differs", path)}
	}
	switch cur.Kind {
	case schema.KindObject:
		return objectDiff(path, cur.Fields, old.Fields)
	case schema.KindList:
		return schemaDiff(path, cur.Items, old.Items)
	case schema.KindUnion:
		return unionDiff(path, cur, old)
	case schema.KindAnyOf:
		return anyOfDiff(path, cur, old)
	case schema.KindString:
		if len(cur.Enum) > 0 || len(old.Enum) > 0 {
			return setDiff(path, "value", cur.Enum, old.Enum)
		}
	case schema.KindConst:
		return []string{fmt.Sprintf("`%s` is %s", path, shape(old.Const))}
	}
	return []string{fmt.Sprintf("`%s` differs", path)}
}

func objectDiff(path string, cur, old []schema.Field) []string {
	var out []string
	for _, of := range old {
		if !slices.ContainsFunc(cur, func(f schema.Field) bool { return f.Name == of.Name }) {
			out = append(out, fmt.Sprintf("`%s` only here", join(path, of.Name)))
		}
	}
	for _, cf := range cur {
		i := slices.IndexFunc(old, func(f schema.Field) bool { return f.Name == cf.Name })
		if i < 0 {
			out = append(out, fmt.Sprintf("no `%s`", join(path, cf.Name)))
			continue
		}
		out = append(out, fieldDiff(path, cf, old[i])...)
	}
	return out
}

// unionDiff compares tagged unions variant by variant; a difference
// every shared variant has is named once, as "(every <tag>)".
func unionDiff(path string, cur, old *schema.Schema) []string {
	var out, shared []string
	for _, ov := range old.Variants {
		if !slices.ContainsFunc(cur.Variants, func(v schema.Variant) bool { return v.Tag == ov.Tag }) {
			out = append(out, fmt.Sprintf("`%s` %s `%s` only here", path, old.Tag, ov.Tag))
		}
	}
	perVariant := map[string][]string{}
	for _, cv := range cur.Variants {
		i := slices.IndexFunc(old.Variants, func(v schema.Variant) bool { return v.Tag == cv.Tag })
		if i < 0 {
			out = append(out, fmt.Sprintf("no `%s` %s `%s`", path, cur.Tag, cv.Tag))
			continue
		}
		shared = append(shared, cv.Tag)
		for _, d := range schemaDiff(path+"(\x00)", cv.Schema, old.Variants[i].Schema) {
			perVariant[d] = append(perVariant[d], cv.Tag)
		}
	}
	var notes []string
	for d, tags := range perVariant {
		if len(tags) == len(shared) && len(shared) > 1 {
			notes = append(notes, strings.ReplaceAll(d, "\x00", "every "+cur.Tag))
			continue
		}
		for _, tag := range tags {
			notes = append(notes, strings.ReplaceAll(d, "\x00", tag))
		}
	}
	slices.Sort(notes)
	return append(out, notes...)
}

// anyOfDiff pairs the alternatives: same kind and, for objects told
// apart by a constant or enumerated member (response_type), a shared
// value of it.
func anyOfDiff(path string, cur, old *schema.Schema) []string {
	var out []string
	used := make([]bool, len(old.Alts))
	for _, ca := range cur.Alts {
		i := slices.IndexFunc(old.Alts, func(a *schema.Schema) bool { return sameAlternative(ca, a) })
		if i < 0 || used[i] {
			out = append(out, fmt.Sprintf("no `%s` alternative %s", path, altLabel(ca)))
			continue
		}
		used[i] = true
		at := path
		if len(cur.Alts) > 1 && len(tagValues(ca)) > 0 {
			at = fmt.Sprintf("%s(%s)", path, strings.Join(tagValues(ca), "/"))
		}
		out = append(out, schemaDiff(at, ca, old.Alts[i])...)
	}
	for i, oa := range old.Alts {
		if !used[i] {
			out = append(out, fmt.Sprintf("`%s` alternative %s only here", path, altLabel(oa)))
		}
	}
	return out
}

func sameAlternative(a, b *schema.Schema) bool {
	if a.Kind != b.Kind {
		return false
	}
	av, bv := tagValues(a), tagValues(b)
	return len(av) == 0 && len(bv) == 0 || slices.ContainsFunc(av, func(v string) bool { return slices.Contains(bv, v) })
}

// tagValues returns the values of an object's first constant or
// enumerated string member (what tells alternatives apart).
func tagValues(s *schema.Schema) []string {
	if s.Kind != schema.KindObject {
		return nil
	}
	for _, f := range s.Fields {
		switch {
		case f.Schema.Kind == schema.KindConst:
			if v, ok := f.Schema.Const.(string); ok {
				return []string{v}
			}
		case f.Schema.Kind == schema.KindString && len(f.Schema.Enum) > 0:
			return f.Schema.Enum
		}
	}
	return nil
}

func altLabel(s *schema.Schema) string {
	if v := tagValues(s); len(v) > 0 {
		return "`" + strings.Join(v, "/") + "`"
	}
	return "of another kind"
}

func setDiff(path, what string, cur, old []string) []string {
	var out []string
	for _, v := range old {
		if !slices.Contains(cur, v) {
			out = append(out, fmt.Sprintf("`%s` %s `%s` only here", path, what, v))
		}
	}
	for _, v := range cur {
		if !slices.Contains(old, v) {
			out = append(out, fmt.Sprintf("no `%s` %s `%s`", path, what, v))
		}
	}
	return out
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// strip removes the prose (descriptions, titles) from a rendered schema,
// so that only shapes are compared.
func strip(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if k != "description" && k != "title" {
				out[k] = strip(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = strip(e)
		}
		return out
	}
	return v
}

// shape is a value's JSON text (map keys sorted), for comparisons.
func shape(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
