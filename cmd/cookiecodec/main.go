// Command cookiecodec makes and rotates cookiecodec keys, and encodes,
// decodes and inspects session cookies, both cookiecodec's own and Flask's.
//
// Run "cookiecodec help" for the commands, and "cookiecodec help COMMAND"
// for one of them. Exit status: 0 success, 1 the cookie was rejected, 2 a
// usage or configuration error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Exit statuses.
const (
	exitOK       = 0
	exitRejected = 1 // the cookie was rejected
	exitUsage    = 2 // usage or configuration error
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// now is the time keys are created at and ages are measured from; a
// variable for tests.
var now = time.Now

// cli holds one run's streams.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// run executes the command in args (without the program name) and returns
// the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usageMain)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "keygen":
		return c.keygen(rest)
	case "keys":
		return c.keys(rest)
	case "encode":
		return c.encode(rest)
	case "decode":
		return c.decode(rest)
	case "inspect":
		return c.inspect(rest)
	case "version":
		return c.version(rest)
	case "help", "-h", "-help", "--help":
		return c.help(rest)
	}
	return c.usageError("", "unknown command %s", argText(cmd, commands...))
}

// commands are the names run knows, for telling a typo from other text.
var commands = []string{"keygen", "keys", "encode", "decode", "inspect", "audit", "version", "help"}

// help prints the usage of the command named in args, or of the program.
func (c *cli) help(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(c.stdout, usageMain)
		return exitOK
	}
	if len(args) > 1 && args[0] == "keys" {
		args = []string{"keys " + args[1]}
	}
	u, ok := usages[args[0]]
	if !ok {
		return c.usageError("", "no help for %s: not a command", argText(args[0], commands...))
	}
	fmt.Fprint(c.stdout, u)
	return exitOK
}

// errorf prints a diagnostic line "cookiecodec: error: ...".
func (c *cli) errorf(format string, a ...any) {
	fmt.Fprintf(c.stderr, "cookiecodec: error: "+format+"\n", a...)
}

// hintf prints a diagnostic line "cookiecodec: hint: ...".
func (c *cli) hintf(format string, a ...any) {
	fmt.Fprintf(c.stderr, "cookiecodec: hint: "+format+"\n", a...)
}

// usageError reports a usage error, points at the usage of the command
// called name ("decode", "keys add"; "" for the program), and returns
// exitUsage.
func (c *cli) usageError(name, format string, a ...any) int {
	c.errorf(format, a...)
	cmd := "cookiecodec"
	if name != "" {
		cmd += " " + name
	}
	c.hintf("run '%s -h' for usage", cmd)
	return exitUsage
}

// configError reports a configuration error and returns exitUsage.
func (c *cli) configError(err error) int {
	c.errorf("%s", trimPrefix(err))
	return exitUsage
}

// reject reports a rejected cookie and returns exitRejected.
func (c *cli) reject(err error) int {
	c.errorf("%s", trimPrefix(err))
	return exitRejected
}

// trimPrefix drops the package prefixes of a library error, which the CLI
// replaces with its own: "cookiecodec: invalid cookie: signed by unknown
// key 1a2b3c4d" prints as "signed by unknown key 1a2b3c4d".
func trimPrefix(err error) string {
	s := err.Error()
	for _, p := range []string{"cookiecodec: ", "flask: ", "invalid cookie: "} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

// newFlagSet returns a FlagSet that prints nothing itself: run reports
// flag errors through usageError and -h through the command's usage.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses the arguments of the command called name with fs,
// allowing flags after positional arguments ("decode VALUE --json");
// everything after "--" is positional. It returns the positional arguments
// and, when ok is false, the exit status: 0 after printing the command's
// usage for -h, 2 after a flag error.
func (c *cli) parseFlags(fs *flag.FlagSet, name string, args []string) (pos []string, status int, ok bool) {
	var tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(c.stdout, usages[name])
				return nil, exitOK, false
			}
			return nil, c.usageError(name, "%s", flagErrorText(err, fs)), false
		}
		args = fs.Args()
		if len(args) == 0 {
			return append(pos, tail...), 0, true
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
