package schema

import (
	"fmt"

	"github.com/keyward/keyward"
)

// ValidateParams checks positional arguments against the declared
// parameters and returns one plain value per parameter, defaults filled in.
// An absent optional parameter without a default is nil.
func ValidateParams(params []Field, args []any) ([]any, error) {
	if len(args) > len(params) {
		return nil, keyward.Invalid("", fmt.Sprintf("Too many arguments (expected %d, found %d)", len(params), len(args)))
	}
	errs := &keyward.ValidationError{}
	out := make([]any, len(params))
	for i, p := range params {
		switch {
		case i < len(args):
			out[i] = p.Schema.Validate(p.Name, args[i], errs)
		case p.Required:
			errs.Add(p.Name, "Field required")
		case p.HasDefault:
			out[i] = p.Schema.defaultOf(p.Default)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// RequiredCount returns how many leading parameters are required.
func RequiredCount(params []Field) int {
	n := 0
	for i, p := range params {
		if p.Required {
			n = i + 1
		}
	}
	return n
}
