package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/app"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/service"
)

// env is what the data-directory commands share.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	lookup         func(string) (string, bool)
}

// withService opens the data directory named by the settings in args and
// runs fn with the services; fs holds the command's own flags.
func (e env) withService(ctx context.Context, args []string, fs *flag.FlagSet, fn func(*service.Service) error) error {
	return e.withConfig(ctx, args, fs, func(s *service.Service, _ *config.Config) error { return fn(s) })
}

// withConfig is withService for commands that need the settings too.
func (e env) withConfig(ctx context.Context, args []string, fs *flag.FlagSet, fn func(*service.Service, *config.Config) error) error {
	fs.SetOutput(e.stderr)
	cfg, _, err := config.Load(fs, args, e.lookup)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, cfg.Logger(e.stderr))
	if err != nil {
		return err
	}
	defer a.Shutdown(context.Background())
	return fn(a.Service(), cfg)
}

// readSecret reads one line from stdin: a password.
func (e env) readSecret() (string, error) {
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input")
	}
	return line, nil
}

// adminCmd is `keyward admin setup --username U` (password on stdin).
func (e env) adminCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "setup" {
		return errors.New("usage: keyward admin setup --username U [settings] < password")
	}
	fs := flag.NewFlagSet("keyward admin setup", flag.ContinueOnError)
	user := fs.String("username", "", "administrator username")
	return e.withService(ctx, args[1:], fs, func(s *service.Service) error {
		if *user == "" {
			return errors.New("--username is required")
		}
		pw, err := e.readSecret()
		if err != nil {
			return err
		}
		if err := s.SetupLocalAdministrator(ctx, *user, pw); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created local administrator %s\n", *user)
		return nil
	})
}

// userCmd is `keyward user add|list|passwd|lock|delete`.
func (e env) userCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: keyward user add|list|passwd|lock|delete [flags]")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("keyward user "+sub, flag.ContinueOnError)
	user := fs.String("username", "", "the user")
	fullName := fs.String("full-name", "", "full name (add)")
	admin := fs.Bool("admin", false, "add: member of builtin_administrators (FULL_ADMIN)")
	readonly := fs.Bool("readonly", false, "add: member of truenas_readonly_administrators (READONLY_ADMIN)")
	noPassword := fs.Bool("no-password", false, "add: password login disabled (API keys only)")
	unlock := fs.Bool("unlock", false, "lock: unlock instead")
	return e.withService(ctx, args, fs, func(s *service.Service) error {
		if sub != "list" && *user == "" {
			return errors.New("--username is required")
		}
		switch sub {
		case "add":
			return e.userAdd(ctx, s, *user, *fullName, *admin, *readonly, *noPassword)
		case "list":
			return e.userList(s)
		case "passwd":
			pw, err := e.readSecret()
			if err != nil {
				return err
			}
			return e.userUpdate(ctx, s, *user, service.UserUpdate{Password: keyward.Opt[string]{Set: true, Value: pw}})
		case "lock":
			return e.userUpdate(ctx, s, *user, service.UserUpdate{Locked: keyward.Opt[bool]{Set: true, Value: !*unlock}})
		case "delete":
			u, err := findUser(s, *user)
			if err != nil {
				return err
			}
			_, err = s.DeleteUser(ctx, u.ID, true)
			return err
		}
		return fmt.Errorf("unknown user command %q", sub)
	})
}

func findUser(s *service.Service, name string) (*keyward.User, error) {
	u := s.Accounts().UserByName(name)
	if u == nil {
		return nil, fmt.Errorf("no user named %q", name)
	}
	return u, nil
}

func (e env) userAdd(ctx context.Context, s *service.Service, name, full string, admin, readonly, noPw bool) error {
	in := service.UserCreate{Username: name, FullName: full, GroupCreate: true, PasswordDisabled: noPw}
	if in.FullName == "" {
		in.FullName = name
	}
	for gid, on := range map[int64]bool{544: admin, 951: readonly} {
		if g := s.Accounts().GroupByGID(gid); on && g != nil {
			in.Groups = append(in.Groups, g.ID)
		}
	}
	if !noPw {
		pw, err := e.readSecret()
		if err != nil {
			return err
		}
		in.Password = &pw
	}
	u, err := s.CreateUser(ctx, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created user %s (id %d, uid %d)\n", u.Username, u.ID, u.UID)
	return nil
}

func (e env) userList(s *service.Service) error {
	acc := s.Accounts()
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tUSERNAME\tFULL NAME\tLOCKED\tROLES")
	for _, u := range acc.Users {
		fmt.Fprintf(w, "%d\t%s\t%s\t%v\t%s\n", u.ID, u.Username, u.FullName, u.Locked, strings.Join(acc.RawRoles(u), ","))
	}
	return w.Flush()
}

func (e env) userUpdate(ctx context.Context, s *service.Service, name string, upd service.UserUpdate) error {
	u, err := findUser(s, name)
	if err != nil {
		return err
	}
	_, _, err = s.UpdateUser(ctx, u.ID, upd)
	return err
}
