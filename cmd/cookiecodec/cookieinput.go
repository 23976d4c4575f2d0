package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cookiecodec/cookiecodec/gorilla"
)

// maxInput is the most input, in bytes, that decode and inspect read from
// an argument or stdin: 1 MiB, far more than any Cookie header holds.
const maxInput = 1 << 20

// errNoValue reports an input with no cookie value in it.
var errNoValue = errors.New("no cookie value in the input")

// readInput returns the cookie input: the single argument, or stdin when
// there is none or it is "-". Stdin is read through a limit, so an
// unbounded stream costs at most maxInput+1 bytes. Input over maxInput is a
// rejection, as is a read error.
func readInput(args []string, stdin io.Reader) (string, error) {
	if len(args) == 1 && args[0] != "-" {
		if len(args[0]) > maxInput {
			return "", fmt.Errorf("input is %d bytes, more than the %d a cookie input may be", len(args[0]), maxInput)
		}
		return args[0], nil
	}
	b, err := io.ReadAll(io.LimitReader(stdin, maxInput+1))
	if err != nil {
		return "", fmt.Errorf("reading stdin: %v", err)
	}
	if len(b) > maxInput {
		return "", fmt.Errorf("input on stdin is more than the %d bytes a cookie input may be", maxInput)
	}
	return string(b), nil
}

// picked is the cookie value found in an input, with how it was found.
type picked struct {
	value string
	// from says what the input was: "value", "Cookie header",
	// "Set-Cookie header" or "cookie list".
	from string
	// dups counts further cookies of the same name in a Cookie header or
	// list, which browsers send when cookies differ by path or domain.
	dups int
}

// pickCookie finds the value of the cookie called name in input, which may
// be the bare value, a "Cookie:" or "Set-Cookie:" header line, or a
// "name=value; name2=value2" string copied from a browser. Surrounding
// whitespace and a pair of double quotes around the value are removed.
// Errors never contain a cookie value.
func pickCookie(input, name string) (picked, error) {
	s := strings.TrimSpace(input)
	if s == "" {
		return picked{}, errNoValue
	}
	if rest, ok := cutPrefixFold(s, "set-cookie:"); ok {
		// The cookie is the first name=value pair; attributes follow.
		pair, _, _ := strings.Cut(rest, ";")
		n, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		n = strings.TrimSpace(n)
		if !ok || n == "" {
			return picked{}, errors.New("the Set-Cookie header has no name=value pair")
		}
		if n != name {
			return picked{}, fmt.Errorf("the Set-Cookie header sets cookie %q, not %q", printableName(n), name)
		}
		return picked{value: unquote(strings.TrimSpace(v)), from: "Set-Cookie header"}, nil
	}
	from := "cookie list"
	if rest, ok := cutPrefixFold(s, "cookie:"); ok {
		s, from = rest, "Cookie header"
	} else if !strings.ContainsAny(s, "=;") || gorilla.LooksLikeGorilla(s) {
		// Neither token format uses '=' or ';', so this is a bare value;
		// a gorilla value ends in base64 padding, but has no other '='.
		if strings.ContainsAny(s, " \t\r\n") {
			return picked{}, errors.New("input holds white space inside the value, which no cookie value contains")
		}
		return picked{value: unquote(s), from: "value"}, nil
	}
	p := picked{from: from}
	found := false
	var names []string
	for pair := range strings.SplitSeq(s, ";") {
		n, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		n = strings.TrimSpace(n)
		if !ok || n == "" {
			continue
		}
		if n != name {
			names = append(names, printableName(n))
			continue
		}
		if found {
			p.dups++
			continue
		}
		found = true
		p.value = unquote(strings.TrimSpace(v))
	}
	if !found {
		if len(names) == 0 {
			return picked{}, fmt.Errorf("no cookie named %q in the %s", name, from)
		}
		return picked{}, fmt.Errorf("no cookie named %q in the %s (it has %s)", name, from, listNames(names))
	}
	if p.value == "" {
		return picked{}, fmt.Errorf("cookie %q is empty in the %s", name, from)
	}
	return p, nil
}

// cutPrefixFold is strings.CutPrefix, ignoring ASCII case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// unquote removes one pair of double quotes around a cookie value, which
// RFC 6265 allows.
func unquote(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		return v[1 : len(v)-1]
	}
	return v
}

// printableName shortens a cookie name taken from the input for an error
// message; names are not secret, but the input may be garbage.
func printableName(n string) string {
	const maxLen = 40
	if len(n) > maxLen {
		return n[:maxLen] + "..."
	}
	return n
}

// listNames joins up to five names for an error message.
func listNames(names []string) string {
	const most = 5
	if len(names) > most {
		return fmt.Sprintf("%s and %d more", strings.Join(quoteAll(names[:most]), ", "), len(names)-most)
	}
	return strings.Join(quoteAll(names), ", ")
}

func quoteAll(ss []string) []string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return q
}
