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

// requestCookies holds the session cookie and its chunks as one request
// carries them, read in a single pass over its Cookie headers.
type requestCookies struct {
	// chunk[i] is chunk i (i = 0 is the cookie named CookieName), the
	// first of that name: the one with the longest path.
	chunk []foundCookie
}

type foundCookie struct {
	value string
	found bool
}

// parseCookies reads the session cookie and its chunks (name.1 to name.99,
// whether or not Options.Chunked is set, so that left-over chunks can be
// deleted) from r's Cookie headers, in one pass, with the leniency of
// [http.Request.Cookies]: malformed pairs are skipped. Its cost is linear
// in the headers' length whatever the number of chunks.
func (m *Middleware) parseCookies(r *http.Request) requestCookies {
	var rc requestCookies
	for _, line := range r.Header["Cookie"] {
		for line != "" {
			var part string
			part, line, _ = strings.Cut(line, ";")
			// As net/http: white space around the pair and the name is
			// dropped, but white space starting the value is kept.
			name, raw, _ := strings.Cut(textproto.TrimString(part), "=")
			i := chunkIndex(textproto.TrimString(name), m.name)
			if i < 0 || (i < len(rc.chunk) && rc.chunk[i].found) {
				continue
			}
			value, ok := cookieValue(raw)
			if !ok {
				continue
			}
			if i >= len(rc.chunk) {
				// Room for every chunk a session may have at once, so
				// that a chunked session's cookies allocate once.
				rc.chunk = slices.Grow(rc.chunk, max(i+1, m.maxChunks)-len(rc.chunk))[:i+1]
			}
			rc.chunk[i] = foundCookie{value, true}
		}
	}
	return rc
}

// chunkIndex returns i if name is chunkName(base, i) for i from 0 to
// maxMaxChunks-1, and -1 otherwise.
func chunkIndex(name, base string) int {
	num, ok := strings.CutPrefix(name, base)
	switch {
	case !ok:
		return -1
	case num == "":
		return 0
	}
	num, ok = strings.CutPrefix(num, ".")
	if !ok || num == "" || num[0] == '0' || len(num) > 2 {
		return -1
	}
	i := 0
	for _, c := range []byte(num) {
		if c < '0' || c > '9' {
			return -1
		}
		i = i*10 + int(c-'0')
	}
	return i
}

// cookieValue checks a cookie value as net/http does: one pair of double
// quotes around it is dropped, and it holds only the bytes RFC 6265 allows
// plus space and comma.
func cookieValue(raw string) (string, bool) {
	if len(raw) > 1 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		raw = raw[1 : len(raw)-1]
	}
	for i := 0; i < len(raw); i++ {
		if b := raw[i]; b < 0x20 || b >= 0x7f || b == '"' || b == ';' || b == '\\' {
			return "", false
		}
	}
	return raw, true
}

// get returns the value of chunk i, and whether the request carried it.
func (rc requestCookies) get(i int) (string, bool) {
	if i >= len(rc.chunk) || !rc.chunk[i].found {
		return "", false
	}
	return rc.chunk[i].value, true
}

// present reports whether the request carried the session cookie or any
// chunk of it.
func (rc requestCookies) present() bool {
	return slices.ContainsFunc(rc.chunk, func(c foundCookie) bool { return c.found })
}

// chunks returns the indices, from 1, of the chunk cookies the request
// carried, in increasing order.
func (rc requestCookies) chunks() []int {
	n := 0
	for i := 1; i < len(rc.chunk); i++ {
		if rc.chunk[i].found {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	idx := make([]int, 0, n)
	for i := 1; i < len(rc.chunk); i++ {
		if rc.chunk[i].found {
			idx = append(idx, i)
		}
	}
	return idx
}

// readCookie returns the session cookie's value, its chunks joined when
// Options.Chunked is set. present reports whether the request carried the
// cookie or any chunk of it; err says why the value is incomplete.
func (m *Middleware) readCookie(rc *requestCookies) (value string, present bool, err error) {
	first, ok := rc.get(0)
	if !ok {
		if m.chunked && rc.present() {
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
	size := len(rest)
	for i := 1; i < n; i++ {
		v, ok := rc.get(i)
		if !ok {
			return "", true, fmt.Errorf("%w: chunk %d of %d is missing", cookiecodec.ErrInvalid, i+1, n)
		}
		if v == "" {
			return "", true, fmt.Errorf("%w: chunk %d of %d is empty", cookiecodec.ErrInvalid, i+1, n)
		}
		size += len(v)
	}
	// split never writes an empty chunk: one is a cookie cut short or
	// made by hand.
	if rest == "" {
		return "", true, fmt.Errorf("%w: chunk 1 of %d is empty", cookiecodec.ErrInvalid, n)
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteString(rest)
	for i := 1; i < n; i++ {
		b.WriteString(rc.chunk[i].value)
	}
	return b.String(), true, nil
}

// cookies returns the Set-Cookie header values that carry value: one, or
// with Options.Chunked as many as it takes to keep each under
// MaxCookieSize, and together within Options.CookieBudget.
func (m *Middleware) cookies(value string, maxAge time.Duration) ([]string, error) {
	base := m.cookie(m.name)
	base.Value = value
	if maxAge > 0 {
		base.MaxAge = int(maxAge / time.Second)
		base.Expires = m.now().Add(maxAge).UTC()
	}
	if m.chunked {
		if n, _ := chunkCount(value); n != 0 {
			return nil, fmt.Errorf("httpsession: the codec's token starts like a chunk count, so it cannot be chunked")
		}
	}
	out := []http.Cookie{base}
	if header := base.String(); len(header) > MaxCookieSize {
		if !m.chunked {
			return nil, fmt.Errorf("%w: Set-Cookie header is %d bytes, %d more than the %d browsers keep; store less or set Options.Chunked",
				cookiecodec.ErrTooLarge, len(header), len(header)-MaxCookieSize, MaxCookieSize)
		}
		var err error
		if out, err = m.split(base); err != nil {
			return nil, err
		}
	}
	// What the browser sends back: "name=value" per cookie, joined by
	// "; " into the request's Cookie header.
	share := 2 * (len(out) - 1)
	for _, c := range out {
		share += len(c.Name) + 1 + len(c.Value)
	}
	if share > m.budget {
		return nil, fmt.Errorf("%w: the session's %d cookies would take %d bytes of the request's Cookie header, %d more than the %d-byte budget of Options.CookieBudget; store less",
			cookiecodec.ErrTooLarge, len(out), share, share-m.budget, m.budget)
	}
	headers := make([]string, len(out))
	for i, c := range out {
		headers[i] = c.String()
		if n := len(headers[i]); n > MaxCookieSize {
			return nil, fmt.Errorf("%w: chunk %s is %d bytes, more than %d", cookiecodec.ErrTooLarge, c.Name, n, MaxCookieSize)
		}
	}
	return headers, nil
}

// split cuts base's value into chunks whose Set-Cookie headers each fit
// in MaxCookieSize, the first value prefixed with the chunk count.
func (m *Middleware) split(base http.Cookie) ([]http.Cookie, error) {
	value := base.Value
	countLen := len(strconv.Itoa(m.maxChunks)) + 1
	var out []http.Cookie
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
		out = append(out, c)
	}
	out[0].Value = strconv.Itoa(len(out)) + string(chunkSep) + out[0].Value
	return out, nil
}

// cookie returns the session's cookie called name, with every attribute
// but the value and the lifetime.
func (m *Middleware) cookie(name string) http.Cookie {
	return http.Cookie{
		Name:        name,
		Path:        m.path,
		Domain:      m.domain,
		Secure:      m.secure,
		HttpOnly:    true,
		SameSite:    m.sameSite,
		Partitioned: m.partitioned,
	}
}

// deletion returns the Set-Cookie header value that deletes the cookie
// called name. It repeats every attribute the cookie was set with,
// Partitioned included: browsers keep a partitioned cookie apart from an
// unpartitioned one of the same name and delete only the one matching.
func (m *Middleware) deletion(name string) string {
	c := m.cookie(name)
	c.MaxAge = -1
	c.Expires = time.Unix(0, 0).UTC()
	return c.String()
}
