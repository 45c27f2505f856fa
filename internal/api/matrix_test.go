package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/rpc"
)

// TestRoleMethodMatrix calls every registered method of every version as a
// user holding exactly one role, for every role of the catalogue, and
// unauthenticated. Each call carries one argument too many, so a caller
// who passes authorization gets "Too many arguments" (-32602) and nothing
// runs: the matrix shows exactly which callers each method lets through.
func TestRoleMethodMatrix(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	reg := srv.Registry()
	conns := map[keyward.Version]map[keyward.Role]*apptest.Client{}
	for _, v := range keyward.Versions {
		conns[v] = map[keyward.Role]*apptest.Client{}
	}
	for _, r := range keyward.AllRoles() {
		name := "u_" + strings.ToLower(r.String())
		apptest.MustUserWithRoles(t, admin, name, "pw-"+name, r.String())
		for _, v := range keyward.Versions {
			c := apptest.MustDial(t, srv.WSURL(string(v)))
			c.MustLogin(name, "pw-"+name)
			conns[v][r] = c
		}
	}
	for _, v := range keyward.Versions {
		anon := apptest.MustDial(t, srv.WSURL(string(v)))
		for _, spec := range reg.Specs(v) {
			args := make([]any, len(spec.Params)+1)
			t.Run(fmt.Sprintf("%s/%s/anonymous", v, spec.Name), func(t *testing.T) {
				r := anon.Call(spec.Name, args...)
				if spec.Access == rpc.NoAuth {
					if apptest.Code(r) != -32602 {
						t.Fatalf("no-auth method refused: %s", apptest.String(r))
					}
				} else if apptest.Errno(r) != 207 || apptest.Reason(r) != "[ENOTAUTHENTICATED] Not authenticated" {
					t.Fatalf("want ENOTAUTHENTICATED, got %s", apptest.String(r))
				}
			})
			for _, role := range keyward.AllRoles() {
				allowed := spec.Access != rpc.NeedRole || keyward.Roles(role).Expand().HasAny(keyward.Roles(spec.Roles...))
				t.Run(fmt.Sprintf("%s/%s/%s", v, spec.Name, role), func(t *testing.T) {
					checkAccess(t, conns[v][role].Call(spec.Name, args...), allowed, len(args))
				})
			}
		}
	}
}

func checkAccess(t *testing.T, r map[string]any, allowed bool, n int) {
	t.Helper()
	if allowed {
		want := fmt.Sprintf(`[["","Too many arguments (expected %d, found %d)",22]]`, n-1, n)
		if apptest.Code(r) != -32602 || apptest.Extra(r) != want {
			t.Fatalf("allowed caller: got %s", apptest.String(r))
		}
		return
	}
	if apptest.Errno(r) != 13 || apptest.Reason(r) != "[EACCES] Not authorized" || apptest.Code(r) != -32001 {
		t.Fatalf("want EACCES, got %s", apptest.String(r))
	}
}
func TestMatrixCoversRoles(t *testing.T) {
	// Every role of the catalogue grants at least one method or event, so
	// the matrix above exercises each of them.
	srv := apptest.MustStart(t)
	for _, r := range keyward.AllRoles() {
		granted := false
		for _, s := range srv.Registry().Specs(keyward.Current) {
			granted = granted || (s.Access == rpc.NeedRole && keyward.Roles(r).Expand().HasAny(keyward.Roles(s.Roles...)))
		}
		if !granted {
			b, _ := json.Marshal(r.String())
			t.Errorf("role %s grants no method", b)
		}
	}
}
