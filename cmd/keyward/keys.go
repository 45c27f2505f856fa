package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/ejson"
	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/schema"
	"github.com/keyward/keyward/internal/service"
)

// keyCmd is `keyward key create|list|reset|delete`, acting on the data
// directory as the operator (no ownership rules apply).
func (e env) keyCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: keyward key create --user U --name N [--expires YYYY-MM-DD] | list | reset ID | delete ID")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("keyward key "+sub, flag.ContinueOnError)
	user := fs.String("user", "", "create: the key's owner")
	name := fs.String("name", "", "create: the key's name")
	expires := fs.String("expires", "", "create: expiry date YYYY-MM-DD (00:00 in the timezone setting)")
	return e.withConfig(ctx, args, fs, func(s *service.Service, cfg *config.Config) error {
		switch sub {
		case "create":
			return e.keyCreate(ctx, s, *user, *name, *expires, cfg.Zone())
		case "list":
			return e.keyList(ctx, s)
		case "reset", "delete":
			if fs.NArg() != 1 {
				return fmt.Errorf("usage: keyward key %s ID", sub)
			}
			id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
			if err != nil {
				return fmt.Errorf("key id %q: %w", fs.Arg(0), err)
			}
			if sub == "delete" {
				_, err = s.DeleteKey(ctx, id)
				return err
			}
			_, after, err := s.UpdateKey(ctx, id, service.KeyUpdate{Reset: true})
			if err == nil {
				fmt.Fprintf(e.stdout, "%s\n", after.Raw)
			}
			return err
		}
		return fmt.Errorf("unknown key command %q", sub)
	})
}

func (e env) keyCreate(ctx context.Context, s *service.Service, user, name, expires, zone string) error {
	if user == "" || name == "" {
		return errors.New("--user and --name are required")
	}
	in := service.KeyCreate{Name: name, Username: user}
	if expires != "" {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			return err
		}
		t, err := time.ParseInLocation(time.DateOnly, expires, loc)
		if err != nil {
			return fmt.Errorf("--expires: %w", err)
		}
		in.ExpiresAt = &t
	}
	issued, err := s.CreateKey(ctx, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "Save this key now: it is shown only once.\n")
	fmt.Fprintf(e.stdout, "%s\n", issued.Raw)
	return nil
}

func (e env) keyList(ctx context.Context, s *service.Service) error {
	rows, err := s.QueryKeys(ctx, nil, &query.Options{})
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tUSER\tCREATED\tEXPIRES\tREVOKED")
	for _, r := range rows.([]any) {
		k := r.(map[string]any)
		exp := "never"
		if t, ok := k["expires_at"].(time.Time); ok {
			exp = t.Format(time.DateTime)
		}
		fmt.Fprintf(w, "%d\t%s\t%v\t%s\t%s\t%v\n", k["id"], k["name"], k["username"],
			k["created_at"].(time.Time).Format(time.DateTime), exp, k["revoked"])
	}
	return w.Flush()
}

// importCmd is `keyward import-truenas-keys <file>`.
func (e env) importCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("keyward import-truenas-keys", flag.ContinueOnError)
	return e.withService(ctx, args, fs, func(s *service.Service) error {
		if fs.NArg() != 1 {
			return errors.New("usage: keyward import-truenas-keys [settings] <file>")
		}
		rows, bad, err := readExport(fs.Arg(0), e.stdout)
		if err != nil {
			return err
		}
		n, skipped, err := s.ImportKeys(ctx, rows)
		if err != nil {
			return err
		}
		for _, line := range skipped {
			fmt.Fprintln(e.stdout, line)
		}
		fmt.Fprintf(e.stdout, "imported %d, skipped %d\n", n, len(skipped)+bad)
		return nil
	})
}

// exportRow is the shape of a TrueNAS api_key.query row: a 25.x row has
// keyhash, a 26 row the SCRAM verifier's fields instead (scram.md 9.9);
// other members are ignored.
var exportRow = schema.Object(
	schema.Req("id", schema.Int()),
	schema.Req("name", schema.String().Len(1, 200)),
	schema.Opt("username", schema.String().OrNull(), nil),
	schema.Opt("keyhash", schema.String(), ""),
	schema.Opt("iterations", schema.Int(), int64(0)),
	schema.Opt("salt", schema.String(), ""),
	schema.Opt("stored_key", schema.String(), ""),
	schema.Opt("server_key", schema.String(), ""),
	schema.Opt("created_at", schema.DateTime().OrNull(), nil),
	schema.Opt("expires_at", schema.DateTime().OrNull(), nil),
	schema.Opt("revoked", schema.Bool(), false),
	schema.Opt("revoked_reason", schema.String().OrNull(), nil),
).Extra()

// readExport reads a JSON array of TrueNAS api_key.query rows; a row of the
// wrong shape is reported and skipped.
func readExport(path string, stdout io.Writer) ([]service.ImportRow, int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	v, err := ejson.Decode(data)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	list, ok := v.([]any)
	if !ok {
		return nil, 0, fmt.Errorf("%s: not a JSON array of keys", path)
	}
	rows := make([]service.ImportRow, 0, len(list))
	bad := 0
	for i, item := range list {
		errs := &keyward.ValidationError{}
		plain := exportRow.Validate(fmt.Sprintf("row %d", i), item, errs)
		var r service.ImportRow
		if err := errs.Err(); err != nil || schema.Decode(plain, &r) != nil {
			fmt.Fprintf(stdout, "skipped row %d: %s", i, errs.Reason())
			bad++
			continue
		}
		rows = append(rows, r)
	}
	return rows, bad, nil
}
