package api

import (
	"context"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
)

// SystemVersion is the system.version string, the same on every path (a
// TrueNAS server answers with its release whatever the path): it starts
// with the newest API version served, so clients parsing the first N.N.N
// treat Keyward as a 26.0 server.
// (TestSystemVersionNamesNewest keeps it in step with keyward.CurrentPath.)
const SystemVersion = "Keyward-26.0.0-" + keyward.ProductVersion

// systemVersionDoc describes system.version.
const systemVersionDoc = "Returns `Keyward-26.0.0-<product version>` on every path. The string starts " +
	"with the newest API version served, so clients that parse the first N.N.N treat Keyward as a 26.0 server."

func (d *Handlers) systemMethods() []*rpc.Method {
	return []*rpc.Method{{
		Name:        "system.version",
		Inline:      true,
		Summary:     "Return the product name and version.",
		Description: systemVersionDoc,
		Result:      schema.String(),
		Access:      rpc.NeedLogin,
		Examples:    []rpc.Example{{Name: "version", Params: []any{}, Result: SystemVersion}},
		Handler:     func(context.Context, *rpc.Call) (any, error) { return SystemVersion, nil },
	}, {
		Name:        "system.info",
		Summary:     "Return basic facts about the server.",
		Description: "Returns the version, the product version, the host name, the display time zone (an IANA name), the current date-time and the uptime in seconds.",
		Result: schema.Object(
			schema.Req("version", schema.String()),
			schema.Req("product_version", schema.String()),
			schema.Req("hostname", schema.String()),
			schema.Req("timezone", schema.String().Desc("IANA time zone name used for display.")),
			schema.Req("datetime", schema.DateTime()),
			schema.Req("uptime_seconds", schema.Number()),
		),
		Access:  rpc.NeedLogin,
		Handler: d.systemInfo,
	}}
}

func (d *Handlers) systemInfo(context.Context, *rpc.Call) (any, error) {
	now := d.now()
	return map[string]any{
		"version":         SystemVersion,
		"product_version": keyward.ProductVersion,
		"hostname":        d.Hostname,
		"timezone":        d.Timezone,
		"datetime":        now,
		"uptime_seconds":  now.Sub(d.Started).Seconds(),
	}, nil
}
