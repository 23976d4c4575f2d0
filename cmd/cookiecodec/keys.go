package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"text/tabwriter"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// keygen prints a new key in text form.
func (c *cli) keygen(args []string) int {
	flags := newFlagSet("keygen")
	pos, status, ok := c.parseFlags(flags, "keygen", args)
	if !ok {
		return status
	}
	if len(pos) != 0 {
		return c.usageError("keygen", "keygen takes no arguments")
	}
	fmt.Fprintln(c.stdout, cookiecodec.GenerateKey().ExportSecret())
	return exitOK
}

// keys runs the key file commands.
func (c *cli) keys(args []string) int {
	if len(args) == 0 {
		return c.usageError("keys", "keys needs a command: init, add, promote, retire or list")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(c.stdout, usageKeys)
		return exitOK
	case "init":
		return c.keysCommand("keys init", args[1:], 1, nil, c.keysInit)
	case "add":
		return c.keysCommand("keys add", args[1:], 1, nil, c.keysAdd)
	case "promote":
		return c.keysCommand("keys promote", args[1:], 2, nil, c.keysPromote)
	case "retire":
		var r retireFlags
		flags := newFlagSet("keys retire")
		flags.StringVar(&r.maxAge, "max-age", "31d", "")
		flags.BoolVar(&r.force, "force", false, "")
		return c.keysCommand("keys retire", args[1:], 2, flags, func(pos []string) int { return c.keysRetire(pos, r) })
	case "list":
		return c.keysCommand("keys list", args[1:], 1, nil, c.keysList)
	}
	return c.usageError("keys", "unknown keys command %s", argText(args[0], "init", "add", "promote", "retire", "list"))
}

// keysCommand parses the arguments of a keys command, which has the flags
// of flags (nil for none) and n positional arguments, and runs do with
// them.
func (c *cli) keysCommand(name string, args []string, n int, flags *flag.FlagSet, do func(args []string) int) int {
	if flags == nil {
		flags = newFlagSet(name)
	}
	pos, status, ok := c.parseFlags(flags, name, args)
	if !ok {
		return status
	}
	if len(pos) != n {
		want := "FILE"
		if n == 2 {
			want = "FILE and ID"
		}
		return c.usageError(name, "want %s, got %d arguments", want, len(pos))
	}
	if pos[0] == "" {
		return c.usageError(name, "empty FILE")
	}
	return do(pos)
}

func (c *cli) keysInit(args []string) int {
	path := args[0]
	f, err := cookiecodec.NewKeyFile(cookiecodec.KeyEntry{
		Key:     cookiecodec.GenerateKey(),
		Status:  cookiecodec.StatusPrimary,
		Created: now(),
	})
	if err != nil {
		return c.configError(err)
	}
	if err := cookiecodec.CreateKeyFile(path, f); err != nil {
		if errors.Is(err, fs.ErrExist) {
			c.errorf("%s exists: keys init never overwrites a key file", path)
			c.hintf("use 'cookiecodec keys add %s' to add a key to it", path)
			return exitUsage
		}
		return c.configError(err)
	}
	fmt.Fprintln(c.stdout, f.Keyring().Primary().ID())
	return exitOK
}

// keyFileError reports why the key file at path could not be loaded or
// updated.
func (c *cli) keyFileError(path string, err error) int {
	status := c.configError(err)
	if errors.Is(err, fs.ErrNotExist) {
		if !looksLikePath(path) {
			path = "FILE"
		}
		c.hintf("create it with 'cookiecodec keys init %s'", path)
	}
	return status
}

// updateKeyFile applies update to the key file at path under its lock, so
// that concurrent commands never lose each other's changes. It reports a
// failure and returns ok false.
func (c *cli) updateKeyFile(path string, update func(*cookiecodec.KeyFile) (*cookiecodec.KeyFile, error)) (status int, ok bool) {
	if _, err := cookiecodec.UpdateKeyFile(path, update); err != nil {
		var soon *retireTooSoon
		if errors.As(err, &soon) {
			return c.retireRefused(soon), false
		}
		return c.keyFileError(path, err), false
	}
	return exitOK, true
}

func (c *cli) keysAdd(args []string) int {
	path := args[0]
	k := cookiecodec.GenerateKey()
	if status, ok := c.updateKeyFile(path, func(f *cookiecodec.KeyFile) (*cookiecodec.KeyFile, error) {
		return f.Add(k, now())
	}); !ok {
		return status
	}
	fmt.Fprintln(c.stdout, k.ID())
	if looksLikePath(path) {
		c.hintf("roll %s out to every server, then run 'cookiecodec keys promote %s %s'", path, path, k.ID())
	}
	return exitOK
}

// parseID parses the key id argument of the command called name.
func (c *cli) parseID(name, arg string) (cookiecodec.KeyID, int, bool) {
	id, err := cookiecodec.ParseKeyID(arg)
	if err != nil {
		return 0, c.usageError(name, "ID %s is not 8 hexadecimal digits", idText(arg)), false
	}
	return id, 0, true
}

func (c *cli) keysPromote(args []string) int {
	id, status, ok := c.parseID("keys promote", args[1])
	if !ok {
		return status
	}
	var old cookiecodec.KeyID
	if status, ok := c.updateKeyFile(args[0], func(f *cookiecodec.KeyFile) (*cookiecodec.KeyFile, error) {
		old = f.Keyring().Primary().ID()
		return f.Promote(id, now())
	}); !ok {
		return status
	}
	fmt.Fprintf(c.stdout, "%s is the primary; %s is decode-only\n", id, old)
	c.hintf("retire %s once the cookies it sealed have expired (MaxAge from now): 'keys retire' refuses before", old)
	return exitOK
}

// retireFlags are the flags of keys retire.
type retireFlags struct {
	maxAge string
	force  bool
}

// retireTooSoon is the error of a retirement that the guard refused.
type retireTooSoon struct {
	id            cookiecodec.KeyID
	demoted, safe time.Time
	maxAge        string // as given
}

func (e *retireTooSoon) Error() string {
	return fmt.Sprintf("key %s was demoted %s ago, less than --max-age %s", e.id, durationText(secondsUp(now().Sub(e.demoted))), e.maxAge)
}

// retireRefused reports a retirement refused by the guard.
func (c *cli) retireRefused(e *retireTooSoon) int {
	c.errorf("%v: cookies it sealed stay valid until %s", e, e.safe.UTC().Format(time.RFC3339))
	c.hintf("retire it in %s, or pass --force to log out now everyone whose cookie it sealed",
		durationText(secondsUp(e.safe.Sub(now()))))
	return exitUsage
}

func (c *cli) keysRetire(args []string, r retireFlags) int {
	maxAge, err := parseMaxAge(r.maxAge)
	if err != nil {
		return c.usageError("keys retire", "%v", err)
	}
	id, status, ok := c.parseID("keys retire", args[1])
	if !ok {
		return status
	}
	if status, ok := c.updateKeyFile(args[0], func(f *cookiecodec.KeyFile) (*cookiecodec.KeyFile, error) {
		for _, e := range f.Entries() {
			if e.Key.ID() != id || e.Demoted.IsZero() || r.force {
				continue
			}
			if safe := e.Demoted.Add(maxAge); now().Before(safe) {
				return nil, &retireTooSoon{id: id, demoted: e.Demoted, safe: safe, maxAge: r.maxAge}
			}
		}
		return f.Remove(id)
	}); !ok {
		return status
	}
	fmt.Fprintf(c.stdout, "%s is retired: cookies it sealed are now rejected\n", id)
	return exitOK
}

func (c *cli) keysList(args []string) int {
	f, err := cookiecodec.LoadKeyFile(args[0])
	if err != nil {
		return c.keyFileError(args[0], err)
	}
	w := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	for _, e := range f.Entries() {
		line := fmt.Sprintf("%s\t%s\t%s", e.Key.ID(), e.Status, e.Created.UTC().Format(time.RFC3339))
		if !e.Demoted.IsZero() {
			line += "\tdemoted " + e.Demoted.UTC().Format(time.RFC3339)
		}
		fmt.Fprintln(w, line)
	}
	if err := w.Flush(); err != nil {
		c.errorf("writing the list: %v", err)
		return exitUsage
	}
	return exitOK
}
