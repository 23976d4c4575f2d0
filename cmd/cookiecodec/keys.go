package main

import (
	"errors"
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
		return c.keysCommand("keys init", args[1:], 1, c.keysInit)
	case "add":
		return c.keysCommand("keys add", args[1:], 1, c.keysAdd)
	case "promote":
		return c.keysCommand("keys promote", args[1:], 2, c.keysPromote)
	case "retire":
		return c.keysCommand("keys retire", args[1:], 2, c.keysRetire)
	case "list":
		return c.keysCommand("keys list", args[1:], 1, c.keysList)
	}
	return c.usageError("keys", "unknown keys command %s", argText(args[0], "init", "add", "promote", "retire", "list"))
}

// keysCommand parses the arguments of a keys command, which has no flags
// and n positional arguments, and runs do with them.
func (c *cli) keysCommand(name string, args []string, n int, do func(args []string) int) int {
	flags := newFlagSet(name)
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

// loadKeyFile loads the key file at path, or reports why it cannot.
func (c *cli) loadKeyFile(path string) (*cookiecodec.KeyFile, int, bool) {
	f, err := cookiecodec.LoadKeyFile(path)
	if err != nil {
		status := c.configError(err)
		if errors.Is(err, fs.ErrNotExist) {
			if !looksLikePath(path) {
				path = "FILE"
			}
			c.hintf("create it with 'cookiecodec keys init %s'", path)
		}
		return nil, status, false
	}
	return f, 0, true
}

func (c *cli) keysAdd(args []string) int {
	path := args[0]
	f, status, ok := c.loadKeyFile(path)
	if !ok {
		return status
	}
	k := cookiecodec.GenerateKey()
	f, err := f.Add(k, now())
	if err != nil {
		return c.configError(err)
	}
	if err := cookiecodec.SaveKeyFile(path, f); err != nil {
		return c.configError(err)
	}
	fmt.Fprintln(c.stdout, k.ID())
	c.hintf("roll %s out to every server, then run 'cookiecodec keys promote %s %s'", path, path, k.ID())
	return exitOK
}

// keyFileAndID loads the key file args[0] and parses the key id args[1].
func (c *cli) keyFileAndID(name string, args []string) (*cookiecodec.KeyFile, cookiecodec.KeyID, int, bool) {
	id, err := cookiecodec.ParseKeyID(args[1])
	if err != nil {
		return nil, 0, c.usageError(name, "ID %s is not 8 hexadecimal digits", idText(args[1])), false
	}
	f, status, ok := c.loadKeyFile(args[0])
	return f, id, status, ok
}

func (c *cli) keysPromote(args []string) int {
	f, id, status, ok := c.keyFileAndID("keys promote", args)
	if !ok {
		return status
	}
	old := f.Keyring().Primary().ID()
	f, err := f.Promote(id)
	if err != nil {
		return c.configError(err)
	}
	if err := cookiecodec.SaveKeyFile(args[0], f); err != nil {
		return c.configError(err)
	}
	fmt.Fprintf(c.stdout, "%s is the primary; %s is decode-only\n", id, old)
	c.hintf("retire %s once the cookies it sealed have expired (MaxAge from now)", old)
	return exitOK
}

func (c *cli) keysRetire(args []string) int {
	f, id, status, ok := c.keyFileAndID("keys retire", args)
	if !ok {
		return status
	}
	f, err := f.Remove(id)
	if err != nil {
		return c.configError(err)
	}
	if err := cookiecodec.SaveKeyFile(args[0], f); err != nil {
		return c.configError(err)
	}
	fmt.Fprintf(c.stdout, "%s is retired: cookies it sealed are now rejected\n", id)
	return exitOK
}

func (c *cli) keysList(args []string) int {
	f, status, ok := c.loadKeyFile(args[0])
	if !ok {
		return status
	}
	w := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	for _, e := range f.Entries() {
		fmt.Fprintf(w, "%s\t%s\t%s\n", e.Key.ID(), e.Status, e.Created.UTC().Format(time.RFC3339))
	}
	if err := w.Flush(); err != nil {
		c.errorf("writing the list: %v", err)
		return exitUsage
	}
	return exitOK
}
