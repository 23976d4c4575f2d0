package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
)

// Error messages never echo input that may be a secret: a key pasted where
// an id or a path was wanted, a Flask secret typed as a command. The
// functions here quote an input only when its shape rules that out, and
// otherwise say what kind of text it is and how long.

// describe says what s looks like and how long it is, without quoting it.
func describe(s string) string {
	n := len(s)
	switch {
	case n == 0:
		return "an empty text"
	case isBase64URL(s) && n >= 43 && n <= 64:
		return fmt.Sprintf("a %d-character base64url text, shaped like a key", n)
	case isBase64URL(strings.ReplaceAll(s, ".", "")) && strings.Count(s, ".") == 2 && n >= 27:
		return fmt.Sprintf("a %d-character text shaped like a Flask cookie", n)
	case isBase64URL(s) && n >= 40:
		return fmt.Sprintf("a %d-character base64url text, shaped like a cookie value", n)
	case strings.HasPrefix(s, "-"):
		return fmt.Sprintf("a %d-character text starting with '-'", n)
	}
	return fmt.Sprintf("a %d-character text", n)
}

// isBase64URL reports whether s is made only of base64url characters.
func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return s != ""
}

// argText returns s quoted when it is one of known or a likely typo of one
// (within two edits of it), and otherwise describes it: an input that
// resembles no expected word may be a secret given by mistake.
func argText(s string, known ...string) string {
	if len(s) <= 24 {
		for _, k := range known {
			if editDistance(s, k) <= min(2, len(k)/2) {
				return strconv.Quote(s)
			}
		}
	}
	return "(" + describe(s) + ")"
}

// editDistance is the Levenshtein distance between two short strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// shorten cuts a text that is not secret, such as a cookie name, to a
// length fit for an error message.
func shorten(s string) string {
	const maxLen = 60
	if len(s) > maxLen {
		return cutUTF8(s, maxLen) + "..."
	}
	return s
}

// idText returns a key id argument for an error message: quoted if it is
// a short run of hexadecimal digits (a mistyped id), else described.
func idText(s string) string {
	if len(s) <= 16 && s != "" && strings.Trim(s, "0123456789abcdefABCDEF") == "" {
		return strconv.Quote(s)
	}
	return "(" + describe(s) + ")"
}

// durationArgText returns a --max-age argument for an error message: quoted
// if it has the shape of a duration (a digit, then digits, dots and unit
// letters), else described.
func durationArgText(s string) string {
	if len(s) <= 16 && s != "" && s[0] >= '0' && s[0] <= '9' && strings.Trim(s, "0123456789.nsuµmhd") == "" {
		return strconv.Quote(s)
	}
	return "(" + describe(s) + ")"
}

// pathText returns a path for an error message when it looks like one: it
// holds a separator or ends in a file extension. Otherwise it may be a
// secret given where a path was wanted, and pathText describes it.
func pathText(path string) string {
	if looksLikePath(path) {
		return path
	}
	return "(" + describe(path) + ", not shown)"
}

func looksLikePath(path string) bool {
	if strings.ContainsRune(path, '/') {
		return true
	}
	i := strings.LastIndexByte(path, '.')
	if i < 1 || len(path)-i-1 > 5 || len(path)-i-1 == 0 {
		return false
	}
	return isBase64URL(path[i+1:]) && !strings.ContainsAny(path[i+1:], "-_")
}

// flagErrorText words an error of flag.FlagSet.Parse without echoing the
// argument that caused it: the flag package quotes the unknown flag or the
// value it could not parse, which may be a secret ("-AbC..." is a key in
// text form, and a valid one).
func flagErrorText(err error, fs *flag.FlagSet) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		var known []string
		fs.VisitAll(func(f *flag.Flag) { known = append(known, f.Name) })
		return "unknown flag " + argText(name, known...)
	}
	if rest, ok := strings.CutPrefix(msg, "bad flag syntax: "); ok {
		return "bad flag syntax: " + describe(rest)
	}
	if _, rest, ok := strings.Cut(msg, " for -"); ok && strings.HasPrefix(msg, "invalid ") {
		name, _, _ := strings.Cut(rest, ":")
		if fs.Lookup(name) != nil {
			return "invalid value for --" + name
		}
		return "invalid flag value"
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok && fs.Lookup(name) != nil {
		return "--" + name + " needs a value"
	}
	return "invalid flags"
}
