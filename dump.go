package keyward

// Dump is every row of a stopped Keyward database that keyward migrate-db
// copies from one back end to another, column by column as stored, so that
// ids, hashes, stamps and times survive unchanged. Times are Unix
// milliseconds, as both back ends store them. Folded search columns are
// not in it: the loading back end computes them. The change log is not in
// it either: nodes load everything when they start.
type Dump struct {
	Groups          []DumpGroup
	Users           []DumpUser
	UserGroups      []DumpUserGroup
	Privileges      []DumpPrivilege
	PrivilegeGroups []DumpPrivilegeGroup
	Keys            []DumpKey
	InsecureUses    []DumpInsecureUse
	Audit           []DumpAudit
	PepperChecks    []DumpPepperCheck
	// LastIDs is, per table ("users", "groups", "privileges", "api_keys",
	// "audit"), the highest id the table ever gave out: the loading back
	// end hands out new ids above it, so none is reused.
	LastIDs map[string]int64
	// Generations holds the counters "accounts_generation" and
	// "keys_generation"; the loading back end moves its own past them.
	Generations map[string]int64
}

// DumpGroup is a row of groups.
type DumpGroup struct {
	ID, GID int64
	Name    string
	Builtin bool
}

// DumpUser is a row of users.
type DumpUser struct {
	ID, Stamp, TokenEpoch, UID int64
	Username, FullName         string
	PasswordHash               *string // nil: NULL
	PasswordDisabled, Locked   bool
	GroupID, CreatedAt         int64
}

// DumpUserGroup is a row of user_groups: a user's auxiliary group.
type DumpUserGroup struct {
	UserID, GroupID int64
}

// DumpPrivilege is a row of privileges.
type DumpPrivilege struct {
	ID          int64
	BuiltinName *string // nil: NULL
	Name        string
	Roles       string // JSON array of role names
	WebShell    bool
}

// DumpPrivilegeGroup is a row of privilege_groups: one local group of a
// privilege, by position.
type DumpPrivilegeGroup struct {
	PrivilegeID, Position, GID int64
}

// DumpKey is a row of api_keys, with its hash (keyed, or imported PBKDF2).
type DumpKey struct {
	ID            int64
	Name          string
	UserID        int64
	Hash          string
	SCRAM         *string // the sealed SCRAM verifier; nil: none
	CreatedAt     int64
	ExpiresAt     *int64 // nil: never
	Revoked       bool
	RevokedReason *string
	RevokedAt     *int64
	SecretGen     int64
}

// DumpInsecureUse is a row of api_key_insecure_uses (the ApiKeyInsecureUse
// alerts derive from them).
type DumpInsecureUse struct {
	KeyID       int64
	Address     string
	First, Last int64
}

// DumpAudit is a row of audit.
type DumpAudit struct {
	ID                          int64
	AuditID                     string
	MessageTimestamp, Timestamp int64
	Address, Username           string
	Session                     *string
	Service, ServiceData        string
	Event, EventData            string
	Success                     bool
}

// DumpPepperCheck is a row of pepper_checks.
type DumpPepperCheck struct {
	PepperID, CheckValue string
	RecordedAt           int64
}

// TableCount is the number of rows of one table.
type TableCount struct {
	Table string
	Rows  int64
}

// DumpTables names the tables a Dump holds, in the order they load.
var DumpTables = []string{"groups", "users", "user_groups", "privileges", "privilege_groups",
	"api_keys", "api_key_insecure_uses", "audit", "pepper_checks"}

// Counts returns the number of rows the dump holds per table, in the
// order of DumpTables.
func (d *Dump) Counts() []TableCount {
	n := []int{len(d.Groups), len(d.Users), len(d.UserGroups), len(d.Privileges), len(d.PrivilegeGroups),
		len(d.Keys), len(d.InsecureUses), len(d.Audit), len(d.PepperChecks)}
	out := make([]TableCount, len(DumpTables))
	for i, t := range DumpTables {
		out[i] = TableCount{Table: t, Rows: int64(n[i])}
	}
	return out
}
