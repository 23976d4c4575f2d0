package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/cookiecodec/cookiecodec/gorilla"
)

// maxInput is the most input, in bytes, that decode and inspect read from
// an argument or stdin: 1 MiB, far more than any Cookie header holds.
const maxInput = 1 << 20

// A noCookieError says that an input holds no cookie of the name asked
// for: a usage error, not a rejected cookie.
type noCookieError struct{ msg string }

func (e *noCookieError) Error() string { return e.msg }

// noCookie returns a *noCookieError.
func noCookie(format string, a ...any) error {
	return &noCookieError{fmt.Sprintf(format, a...)}
}

// inputForms lists the forms of input pickCookie reads, for a hint.
const inputForms = "give a cookie value, Cookie: or Set-Cookie: lines, 'name=value; name2=value2', " +
	"a row of the browser's cookie table, a cookie-jar line, 'name: value', or a curl command with -H 'Cookie: ...' or -b '...'"

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
	value secret
	// from says what the input was: "value", "Cookie header",
	// "Set-Cookie header", "cookie list", "cookie table row",
	// "cookie-jar line", "name: value line", "curl command", or "input"
	// for lines of several kinds.
	from string
	// dups counts further cookies of the same name, which browsers send
	// when cookies differ by path or domain.
	dups int
	// chunks is how many cookies were joined into value: 0 for a cookie
	// that is not chunked.
	chunks int
}

// A cookiePair is one cookie found in the input.
type cookiePair struct {
	name  string
	value secret
}

// pickCookie finds the value of the cookie called name in input (see
// inputForms), and joins the chunks of a chunked cookie the way
// httpsession writes them: the first cookie's value starts with the count
// of chunks, "3~", and the others are called name.1, name.2 and so on.
// Surrounding white space and a pair of double quotes around a value are
// removed. An input that holds no cookie called name returns a
// *noCookieError; a chunked cookie with a chunk missing or extra
// returns another error. Errors never contain a cookie value.
func pickCookie(input, name string) (picked, error) {
	s := strings.TrimSpace(input)
	if s == "" {
		return picked{}, noCookie("the input is empty")
	}
	// A gorilla value ends in base64 padding, but has no other '='.
	if isBareValue(s) || gorilla.LooksLikeGorilla(s) && !strings.ContainsAny(s, " \t\r\n") {
		return picked{value: hide(unquote(s)), from: "value"}, nil
	}
	pairs, from, err := parsePairs(s)
	if err != nil {
		return picked{}, err
	}
	p := picked{from: from}
	found := false
	// The names of the other cookies, for the error: the first few, and
	// how many in all, counted through a set so that a header of many
	// cookies costs linear time.
	var names []string
	seen := map[string]bool{}
	for _, c := range pairs {
		if c.name != name {
			if n := printableName(c.name); !seen[n] {
				seen[n] = true
				if len(names) < maxListedNames {
					names = append(names, n)
				}
			}
			continue
		}
		if found {
			p.dups++
			continue
		}
		found = true
		p.value = c.value
	}
	chunkIDs := chunksOf(pairs, name)
	switch {
	case !found && len(chunkIDs) > 0:
		return picked{}, fmt.Errorf("the %s holds chunk %s.%d of cookie %q without its first cookie %q", from, name, chunkIDs[0], name, name)
	case !found && len(pairs) == 0:
		return picked{}, noCookie("no cookie found in the %s", from)
	case !found:
		return picked{}, noCookie("no cookie named %q in the %s (it has %s)", name, from, listNames(names, len(seen)))
	case p.value.reveal() == "":
		return picked{}, fmt.Errorf("cookie %q is empty in the %s", name, from)
	}
	n, rest := chunkCount(p.value.reveal())
	if n == 0 {
		if len(chunkIDs) > 0 {
			return picked{}, fmt.Errorf("the %s holds chunk %s.%d, but cookie %q does not start with a chunk count such as \"2~\"", from, name, chunkIDs[0], name)
		}
		return p, nil
	}
	if n < 2 {
		return picked{}, fmt.Errorf("cookie %q claims %s, and a chunked cookie has 2 to 99", name, plural(n, "chunk", "chunks"))
	}
	if len(chunkIDs) > 0 && chunkIDs[len(chunkIDs)-1] >= n {
		return picked{}, fmt.Errorf("chunk %s.%d is extra: cookie %q says it has %d chunks, the last of them %s.%d", name, chunkIDs[len(chunkIDs)-1], name, n, name, n-1)
	}
	var b strings.Builder
	b.WriteString(rest)
	for i := 1; i < n; i++ {
		v, ok := firstValue(pairs, name+"."+strconv.Itoa(i))
		if !ok {
			return picked{}, fmt.Errorf("chunk %s.%d of the %d that cookie %q says it has is missing from the %s", name, i, n, name, from)
		}
		// httpsession never writes an empty chunk, and rejects one.
		if v == "" {
			return picked{}, fmt.Errorf("chunk %s.%d of cookie %q is empty in the %s", name, i, name, from)
		}
		b.WriteString(v)
	}
	if rest == "" {
		return picked{}, fmt.Errorf("cookie %q holds only its chunk count, the first of its %d chunks is empty", name, n)
	}
	p.value, p.chunks = hide(b.String()), n
	return p, nil
}

// isBareValue reports whether s is a cookie value on its own: neither token
// format uses '=', ';', ':' or white space.
func isBareValue(s string) bool {
	return !strings.ContainsAny(s, "=;: \t\r\n")
}

// chunkCount parses the chunk count at the start of a chunked cookie's
// first value, one or two digits and '~', as httpsession writes it. It
// returns 0 if value does not start with one.
func chunkCount(value string) (n int, rest string) {
	i := strings.IndexByte(value, '~')
	if i < 1 || i > 2 {
		return 0, value
	}
	for _, c := range value[:i] {
		if c < '0' || c > '9' {
			return 0, value
		}
	}
	n, _ = strconv.Atoi(value[:i])
	return n, value[i+1:]
}

// chunksOf returns the indices of the chunk cookies name.1, name.2, ...
// in pairs, in increasing order without repeats.
func chunksOf(pairs []cookiePair, name string) []int {
	var idx []int
	for _, c := range pairs {
		num, ok := strings.CutPrefix(c.name, name+".")
		if !ok || num == "" || num[0] == '0' || len(num) > 2 {
			continue
		}
		if i, err := strconv.Atoi(num); err == nil && !slices.Contains(idx, i) {
			idx = append(idx, i)
		}
	}
	slices.Sort(idx)
	return idx
}

// firstValue returns the value of the first pair called name.
func firstValue(pairs []cookiePair, name string) (string, bool) {
	for _, c := range pairs {
		if c.name == name {
			return c.value.reveal(), true
		}
	}
	return "", false
}

// parsePairs finds the cookies in an input of one or more lines and says
// what kind of input it was.
func parsePairs(s string) ([]cookiePair, string, error) {
	if rest, ok := strings.CutPrefix(s, "curl"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
		return curlPairs(rest)
	}
	var (
		pairs   []cookiePair
		kinds   []string
		headers bool // a line was a Cookie or Set-Cookie header
		named   []cookiePair
	)
	kind := func(k string) {
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "#HttpOnly_"):
			// A comment of a cookie-jar file.
		case hasPrefixFold(line, "set-cookie:"):
			headers = true
			kind("Set-Cookie header")
			// The cookie is the first name=value pair; attributes follow.
			pair, _, _ := strings.Cut(line[len("set-cookie:"):], ";")
			pairs = appendPairs(pairs, pair)
		case hasPrefixFold(line, "cookie:"):
			headers = true
			kind("Cookie header")
			pairs = appendPairs(pairs, line[len("cookie:"):])
		case strings.Contains(line, "\t"):
			f := strings.Split(line, "\t")
			if len(f) == 7 && isJarBool(f[1]) && isJarBool(f[3]) {
				kind("cookie-jar line")
				pairs = append(pairs, cookiePair{strings.TrimSpace(f[5]), hide(unquote(strings.TrimSpace(f[6])))})
			} else if len(f) >= 2 {
				kind("cookie table row")
				pairs = append(pairs, cookiePair{strings.TrimSpace(f[0]), hide(unquote(strings.TrimSpace(f[1])))})
			}
		case strings.ContainsAny(line, "=;"):
			kind("cookie list")
			pairs = appendPairs(pairs, line)
		default:
			if n, v, ok := strings.Cut(line, ":"); ok && isToken(strings.TrimSpace(n)) {
				named = append(named, cookiePair{strings.TrimSpace(n), hide(unquote(strings.TrimSpace(v)))})
			}
		}
	}
	// "name: value" lines count unless the input holds headers: the other
	// headers of a pasted response are "name: value" lines too.
	if !headers && len(named) > 0 {
		kind("name: value line")
		pairs = append(pairs, named...)
	}
	switch len(kinds) {
	case 0:
		return nil, "input", nil
	case 1:
		return pairs, kinds[0], nil
	}
	return pairs, "input", nil
}

// appendPairs appends the name=value pairs of a "; "-separated list.
func appendPairs(pairs []cookiePair, list string) []cookiePair {
	for pair := range strings.SplitSeq(list, ";") {
		n, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		n = strings.TrimSpace(n)
		if ok && n != "" {
			pairs = append(pairs, cookiePair{n, hide(unquote(strings.TrimSpace(v)))})
		}
	}
	return pairs
}

// isJarBool reports whether s is a boolean field of a Netscape cookie jar.
func isJarBool(s string) bool { return s == "TRUE" || s == "FALSE" }

// isToken reports whether s is an HTTP token, as a cookie name is.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b <= ' ' || b >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", b) >= 0 {
			return false
		}
	}
	return true
}

// curlPairs finds the cookies of a curl command line, as browsers copy
// it: the values of -H/--header "Cookie: ..." and of -b/--cookie.
func curlPairs(cmdline string) ([]cookiePair, string, error) {
	args, err := shellWords(cmdline)
	if err != nil {
		return nil, "", noCookie("the curl command does not parse: %v", err)
	}
	var pairs []cookiePair
	for i := 0; i < len(args)-1; i++ {
		switch a, v := args[i], args[i+1]; a {
		case "-H", "--header":
			if rest, ok := cutPrefixFold(strings.TrimSpace(v), "cookie:"); ok {
				pairs = appendPairs(pairs, rest)
			}
			i++
		case "-b", "--cookie":
			if !strings.Contains(v, "=") {
				return nil, "", noCookie("the curl command reads its cookies from a file (-b FILE): give the file's line for the cookie instead")
			}
			pairs = appendPairs(pairs, v)
			i++
		}
	}
	return pairs, "curl command", nil
}

// shellWords splits a command line as a POSIX shell would for the quoting
// browsers use in "Copy as cURL": single quotes, double quotes with
// backslash escapes, $'...' with backslash escapes, and backslash-newline
// continuations.
func shellWords(s string) ([]string, error) {
	var (
		words []string
		cur   strings.Builder
		in    bool // inside a word
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			if s[i] != '\n' {
				cur.WriteByte(s[i])
				in = true
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("unterminated single quote")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			in = true
		case c == '$' && i+1 < len(s) && s[i+1] == '\'', c == '"':
			if c == '$' {
				i++
			}
			end := s[i]
			i++
			for ; i < len(s) && s[i] != end; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("unterminated quote")
			}
			in = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}

// hasPrefixFold reports whether s starts with prefix, ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	_, ok := cutPrefixFold(s, prefix)
	return ok
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

// maxListedNames is how many cookie names an error lists.
const maxListedNames = 5

// listNames joins names, the first of total, for an error message.
func listNames(names []string, total int) string {
	if total > len(names) {
		return fmt.Sprintf("%s and %d more", strings.Join(quoteAll(names), ", "), total-len(names))
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
