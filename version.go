package keyward

// Version is a served API version, chosen by the WebSocket URL.
type Version string

// The served API versions.
const (
	V25_04 Version = "v25.04.0"
	V25_10 Version = "v25.10.0"
	// Current is the version /api/current serves.
	Current = V25_10
)

// Versions lists the served versions, ascending.
var Versions = []Version{V25_04, V25_10}

// ParseVersion returns the version named by s ("current" included).
func ParseVersion(s string) (Version, bool) {
	if s == "current" {
		return Current, true
	}
	for _, v := range Versions {
		if string(v) == s {
			return v, true
		}
	}
	return "", false
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
