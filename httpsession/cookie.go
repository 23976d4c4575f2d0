package httpsession

import (
	"fmt"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// chunkSep ends the chunk count at the start of a chunked session's first
// cookie, as in "3~". Neither cookiecodec tokens (base64url) nor Flask
// tokens (base64url and dots) contain it.
const chunkSep = '~'

// chunkName returns the name of chunk i: name itself for the first chunk,
// then name.1, name.2 and so on.
func chunkName(name string, i int) string {
	if i == 0 {
		return name
	}
	return name + "." + strconv.Itoa(i)
}

// chunkCount parses the count at the start of a chunked session's first
// cookie. It returns 0 if value does not start with one.
func chunkCount(value string) (n int, rest string) {
	i := strings.IndexByte(value, chunkSep)
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

// readCookie returns the session cookie's value, its chunks joined when
// Options.Chunked is set. present reports whether the request carried the
// cookie or any chunk of it; err says why the value is incomplete.
func (m *Middleware) readCookie(r *http.Request) (value string, present bool, err error) {
	first, ok := firstCookie(r, m.name)
	if !ok {
		if m.chunked && len(m.requestChunks(r)) > 0 {
			return "", true, fmt.Errorf("%w: chunks of %q without the first", cookiecodec.ErrInvalid, m.name)
		}
		return "", false, nil
	}
	if !m.chunked {
		return first, true, nil
	}
	n, rest := chunkCount(first)
	if n == 0 {
		return first, true, nil
	}
	if n < 2 || n > m.maxChunks {
		return "", true, fmt.Errorf("%w: %d chunks, want 2 to %d", cookiecodec.ErrInvalid, n, m.maxChunks)
	}
	// Gather the chunks before joining them, so that memory follows what
	// the request carries rather than the count its first cookie claims.
	chunks := make([]string, n)
	chunks[0] = rest
	for i := 1; i < n; i++ {
		v, ok := firstCookie(r, chunkName(m.name, i))
		if !ok {
			return "", true, fmt.Errorf("%w: chunk %d of %d is missing", cookiecodec.ErrInvalid, i+1, n)
		}
		chunks[i] = v
	}
	return strings.Join(chunks, ""), true, nil
}

// firstCookie returns the value of the first cookie called name in r,
// which is the one with the longest path.
func firstCookie(r *http.Request, name string) (string, bool) {
	cs := r.CookiesNamed(name)
	if len(cs) == 0 {
		return "", false
	}
	return cs[0].Value, true
}

// requestHasCookie reports whether r carries the session cookie or a chunk
// of it.
func (m *Middleware) requestHasCookie(r *http.Request) bool {
	if len(r.CookiesNamed(m.name)) > 0 {
		return true
	}
	return len(m.requestChunks(r)) > 0
}

// requestChunks returns the indices, from 1, of the chunk cookies
// (name.1, name.2, ...) that r carries, in increasing order, whether or not
// Options.Chunked is set, so that left-over chunks can be deleted.
func (m *Middleware) requestChunks(r *http.Request) []int {
	var idx []int
	prefix := m.name + "."
	for _, line := range r.Header["Cookie"] {
		for line != "" {
			var part string
			part, line, _ = strings.Cut(line, ";")
			name, _, _ := strings.Cut(part, "=")
			num, ok := strings.CutPrefix(textproto.TrimString(name), prefix)
			if !ok || num == "" || num[0] == '0' || len(num) > 2 {
				continue
			}
			i, err := strconv.Atoi(num)
			if err == nil && !slices.Contains(idx, i) {
				idx = append(idx, i)
			}
		}
	}
	slices.Sort(idx)
	return idx
}

// cookies returns the Set-Cookie header values that carry value: one, or
// with Options.Chunked as many as it takes to keep each under
// MaxCookieSize.
func (m *Middleware) cookies(value string, permanent bool) ([]string, error) {
	base := http.Cookie{
		Name:     m.name,
		Value:    value,
		Path:     m.path,
		Domain:   m.domain,
		Secure:   m.secure,
		HttpOnly: true,
		SameSite: m.sameSite,
	}
	if permanent {
		base.MaxAge = int(m.maxAge / time.Second)
		base.Expires = m.now().Add(m.maxAge).UTC()
	}
	if m.chunked {
		if n, _ := chunkCount(value); n != 0 {
			return nil, fmt.Errorf("httpsession: the codec's token starts like a chunk count, so it cannot be chunked")
		}
	}
	header := base.String()
	size := len(header)
	if size <= MaxCookieSize {
		return []string{header}, nil
	}
	if !m.chunked {
		return nil, fmt.Errorf("%w: Set-Cookie header is %d bytes, %d more than the %d browsers keep; store less or set Options.Chunked",
			cookiecodec.ErrTooLarge, size, size-MaxCookieSize, MaxCookieSize)
	}

	countLen := len(strconv.Itoa(m.maxChunks)) + 1
	var out []*http.Cookie
	for rest := value; rest != ""; {
		if len(out) == m.maxChunks {
			return nil, fmt.Errorf("%w: a %d-byte session token needs more than the %d cookies of MaxChunks",
				cookiecodec.ErrTooLarge, len(value), m.maxChunks)
		}
		c := base
		c.Name, c.Value = chunkName(m.name, len(out)), ""
		room := MaxCookieSize - len(c.String())
		if len(out) == 0 {
			room -= countLen
		}
		if room < 1 {
			return nil, fmt.Errorf("%w: cookie attributes leave no room for a value", cookiecodec.ErrTooLarge)
		}
		room = min(room, len(rest))
		c.Value, rest = rest[:room], rest[room:]
		out = append(out, &c)
	}
	out[0].Value = strconv.Itoa(len(out)) + string(chunkSep) + out[0].Value
	headers := make([]string, len(out))
	for i, c := range out {
		headers[i] = c.String()
		if n := len(headers[i]); n > MaxCookieSize {
			return nil, fmt.Errorf("%w: chunk %s is %d bytes, more than %d", cookiecodec.ErrTooLarge, c.Name, n, MaxCookieSize)
		}
	}
	return headers, nil
}

// deletion returns the Set-Cookie header value that deletes the cookie
// called name.
func (m *Middleware) deletion(name string) string {
	c := http.Cookie{
		Name:     name,
		Path:     m.path,
		Domain:   m.domain,
		MaxAge:   -1,
		Expires:  time.Unix(0, 0).UTC(),
		Secure:   m.secure,
		HttpOnly: true,
		SameSite: m.sameSite,
	}
	return c.String()
}
