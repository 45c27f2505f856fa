package keys

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
)

// checkText is the fixed text whose HMAC under a pepper is its check value.
const checkText = "keyward pepper check v1"

// Check returns the pepper's check value: the HMAC-SHA256 of a fixed text
// under the pepper, in standard base64. A database keeps it per pepper id
// so that a later start can tell whether it was given the same pepper; it
// helps nobody to find the pepper (a 256-bit key).
func (p Pepper) Check() string {
	m := hmac.New(sha256.New, p.Key)
	m.Write([]byte(checkText))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// MismatchError says that a pepper has the id of one a database knows but
// other bytes: every key hashed with that id would fail to log in.
type MismatchError struct{ ID string }

func (e *MismatchError) Error() string {
	return fmt.Sprintf("the pepper does not match this database (its keys were hashed with pepper %s): "+
		"set KEYWARD_PEPPER or the pepper file to the cluster's pepper", e.ID)
}

// Compare checks the peppers against the check values a database holds,
// by pepper id. It returns a *MismatchError for the first pepper whose
// value differs, or when the database knows peppers and none of these
// (a node of another cluster, or one whose pepper was never shared: even
// on a database without keys yet, the nodes would not accept each other's
// keys), else the check values of the peppers the database has none for
// yet, to be recorded. A rotation keeps one known pepper among the new.
func (ps Peppers) Compare(stored map[string]string) (unrecorded map[string]string, err error) {
	unrecorded = map[string]string{}
	if len(stored) > 0 && !slices.ContainsFunc(ps, func(p Pepper) bool { _, ok := stored[p.ID]; return ok }) {
		return nil, &MismatchError{ID: slices.Sorted(maps.Keys(stored))[0]}
	}
	for _, p := range ps {
		check := p.Check()
		want, ok := stored[p.ID]
		if !ok {
			unrecorded[p.ID] = check
			continue
		}
		if !hmac.Equal([]byte(want), []byte(check)) {
			return nil, &MismatchError{ID: p.ID}
		}
	}
	return unrecorded, nil
}
