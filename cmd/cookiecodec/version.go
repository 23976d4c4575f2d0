package main

import (
	"fmt"
	"runtime/debug"
)

// version prints the module version the program was built from, or
// "(devel)" when the build carries none.
func (c *cli) version(args []string) int {
	flags := newFlagSet("version")
	pos, status, ok := c.parseFlags(flags, "version", args)
	if !ok {
		return status
	}
	if len(pos) != 0 {
		return c.usageError("version", "version takes no arguments")
	}
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	fmt.Fprintf(c.stdout, "cookiecodec %s\n", v)
	return exitOK
}
