package keyward

// Version is an API shape version: the params, results and access rules of
// one TrueNAS release line. Several served paths share one shape version
// (versions.md section 4): the registry, the handlers and the hub know
// shape versions only.
type Version string

// The shape versions, named after the first path that serves each.
const (
	V25_04 Version = "v25.04.0"
	V25_10 Version = "v25.10.0"
	V26_0  Version = "v26.0.0"
	// Current is the shape /api/current serves.
	Current = V26_0
)

// Versions lists the shape versions, ascending.
var Versions = []Version{V25_04, V25_10, V26_0}

// Path is a served API version path, the name after /api/ in a WebSocket
// URL ("v25.10.3"). It is what /api/versions, the docs and the OpenRPC
// document list, and what a page or document names; its calls are
// answered with the shapes of its Version.
type Path string

// CurrentPath is the path /api/current is an alias of.
const CurrentPath Path = "v26.0.0"

// paths maps every served path to its shape version, ascending. The
// 25.04 and 25.10 point releases are aliases: TrueNAS changed nothing in
// Keyward's namespaces between them (versions.md 2.1-2.4).
var paths = []struct {
	path  Path
	shape Version
}{
	{"v25.04.0", V25_04}, {"v25.04.1", V25_04}, {"v25.04.2", V25_04},
	{"v25.10.0", V25_10}, {"v25.10.1", V25_10}, {"v25.10.2", V25_10},
	{"v25.10.3", V25_10}, {"v25.10.4", V25_10}, {"v25.10.5", V25_10},
	{"v26.0.0", V26_0},
}

// Paths lists the served paths, ascending ("current" is not one of them).
var Paths = func() []Path {
	out := make([]Path, len(paths))
	for i, p := range paths {
		out[i] = p.path
	}
	return out
}()

// ParsePath returns the served path named by s; "current" names
// CurrentPath.
func ParsePath(s string) (Path, bool) {
	if s == "current" {
		return CurrentPath, true
	}
	for _, p := range paths {
		if string(p.path) == s {
			return p.path, true
		}
	}
	return "", false
}

// Version returns the shape version the path serves ("" for a path that
// is not served).
func (p Path) Version() Version {
	for _, x := range paths {
		if x.path == p {
			return x.shape
		}
	}
	return ""
}

// ParseVersion returns the shape version served at the path named by s
// ("current" included).
func ParseVersion(s string) (Version, bool) {
	p, ok := ParsePath(s)
	return p.Version(), ok
}

// Before reports whether v is older than w.
func (v Version) Before(w Version) bool { return v.index() < w.index() }

func (v Version) index() int {
	for i, x := range Versions {
		if x == v {
			return i
		}
	}
	return len(Versions)
}

// ProductVersion is Keyward's own release number.
const ProductVersion = "0.1.0"
