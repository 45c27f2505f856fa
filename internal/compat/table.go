package compat

import (
	"fmt"
	"strings"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
)

// Family is a run of served paths answered with one shape version
// (versions.md section 4): v25.04.0-v25.04.2, v25.10.0-v25.10.5, v26.0.0.
type Family struct {
	Version keyward.Version
	Paths   []keyward.Path
}

// Label names the family by its first and last path.
func (f Family) Label() string {
	first, last := f.Paths[0], f.Paths[len(f.Paths)-1]
	if first == last {
		return string(first)
	}
	return string(first) + "–" + string(last)
}

// Families returns the served paths grouped by shape version, oldest
// first.
func Families() []Family {
	var out []Family
	for _, v := range keyward.Versions {
		f := Family{Version: v}
		for _, p := range keyward.Paths {
			if p.Version() == v {
				f.Paths = append(f.Paths, p)
			}
		}
		if len(f.Paths) > 0 {
			out = append(out, f)
		}
	}
	return out
}

// Document renders the generated part of docs/COMPATIBILITY.md from the
// registry: the method table, what differs on older paths, and the event
// table.
func Document(reg *rpc.Registry) string {
	var b strings.Builder
	fams := Families()
	methodTable(&b, reg, fams)
	methodNotes(&b, reg, fams)
	eventTable(&b, reg, fams)
	return b.String()
}

// methodNames returns every method some family serves, sorted.
func methodNames(reg *rpc.Registry, fams []Family) []string {
	seen := map[string]bool{}
	var names []string
	for i := len(fams) - 1; i >= 0; i-- {
		for _, s := range reg.Specs(fams[i].Version) {
			if !seen[s.Name] {
				seen[s.Name] = true
				names = append(names, s.Name)
			}
		}
	}
	return sortedCopy(names)
}

func methodTable(b *strings.Builder, reg *rpc.Registry, fams []Family) {
	newest := fams[len(fams)-1].Version
	fmt.Fprintf(b, "%d methods. ✓ served with %s's shapes; ✓ * served, but params, result or access differ "+
		"(see \"Where older paths differ\"); — not served (-32601 `Method does not exist`).\n\n", len(methodNames(reg, fams)), newest)
	b.WriteString("| Method |")
	for _, f := range fams {
		fmt.Fprintf(b, " %s |", f.Label())
	}
	fmt.Fprintf(b, " Access (%s) |\n|---|", newest)
	b.WriteString(strings.Repeat("---|", len(fams)+1) + "\n")
	for _, name := range methodNames(reg, fams) {
		cur := reg.Spec(newest, name)
		fmt.Fprintf(b, "| `%s` |", name)
		for _, f := range fams {
			fmt.Fprintf(b, " %s |", cell(cur, reg.Spec(f.Version, name)))
		}
		fmt.Fprintf(b, " %s |\n", accessText(cur))
	}
	b.WriteString("\n")
}

// cell marks whether a family serves the method and whether it differs
// from the newest.
func cell(cur, s *rpc.Spec) string {
	switch {
	case s == nil:
		return "—"
	case cur != nil && cur != s && len(specDiff(cur, s)) > 0:
		return "✓ *"
	}
	return "✓"
}

func methodNotes(b *strings.Builder, reg *rpc.Registry, fams []Family) {
	newest := fams[len(fams)-1]
	b.WriteString("#### Where older paths differ\n\n")
	fmt.Fprintf(b, "Relative to %s; \"only here\" names what the older path has and %s has not.\n\n", newest.Label(), newest.Label())
	for _, name := range methodNames(reg, fams) {
		cur := reg.Spec(newest.Version, name)
		if cur == nil {
			continue
		}
		for _, f := range fams[:len(fams)-1] {
			s := reg.Spec(f.Version, name)
			if s == nil {
				continue
			}
			if d := specDiff(cur, s); len(d) > 0 {
				fmt.Fprintf(b, "* `%s` on %s: %s.\n", name, f.Label(), strings.Join(d, "; "))
			}
		}
	}
	b.WriteString("\n")
}

func eventTable(b *strings.Builder, reg *rpc.Registry, fams []Family) {
	newest := fams[len(fams)-1]
	b.WriteString("#### Events (`core.subscribe`)\n\n| Event | Roles | Fields on older paths |\n|---|---|---|\n")
	for _, e := range reg.Events() {
		var notes []string
		for _, f := range fams[:len(fams)-1] {
			if d := schemaDiff("fields", e.FieldsFor(newest.Version), e.FieldsFor(f.Version)); len(d) > 0 {
				notes = append(notes, f.Label()+": "+strings.Join(d, "; "))
			}
		}
		if len(notes) == 0 {
			notes = []string{"as " + newest.Label()}
		}
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", e.Name, roleList(e.Roles, "any logged-in caller"), strings.Join(notes, "<br>"))
	}
}

// accessText says briefly what a method requires of the caller.
func accessText(s *rpc.Spec) string {
	switch s.Access {
	case rpc.NoAuth:
		return "no login"
	case rpc.NeedLogin:
		return "login, no role"
	}
	return roleList(s.Roles, "")
}

func roleList(rs []keyward.Role, none string) string {
	if len(rs) == 0 {
		return none
	}
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = "`" + r.String() + "`"
	}
	return strings.Join(names, ", ")
}
