package httpsession

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/flask"
)

// hasPrefixFold reports whether s starts with prefix in any case, as
// browsers match the __Host- and __Secure- cookie prefixes.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// checkCookie applies the defaults of the cookie's name and attributes and
// refuses those a browser would not keep.
func (m *Middleware) checkCookie() error {
	if m.name == "" {
		m.name = DefaultCookieName
		if !m.secure {
			m.name = InsecureCookieName
		}
	}
	if (&http.Cookie{Name: m.name}).Valid() != nil || len(m.name) > 250 {
		return fmt.Errorf("httpsession: cookie name %q is not a valid cookie name of at most 250 bytes", m.name)
	}
	if m.path == "" {
		m.path = "/"
	}
	if (&http.Cookie{Name: m.name, Path: m.path, Domain: m.domain}).Valid() != nil {
		return fmt.Errorf("httpsession: invalid Path %q or Domain %q", m.path, m.domain)
	}
	if m.sameSite == 0 {
		m.sameSite = http.SameSiteLaxMode
	}
	if m.sameSite < http.SameSiteDefaultMode || m.sameSite > http.SameSiteNoneMode {
		return fmt.Errorf("httpsession: unknown SameSite mode %d", m.sameSite)
	}
	if m.sameSite == http.SameSiteNoneMode && !m.secure {
		return errors.New("httpsession: SameSite=None requires Secure; unset Insecure")
	}
	if m.partitioned && !m.secure {
		return errors.New("httpsession: Partitioned requires Secure; unset Insecure")
	}
	switch {
	case hasPrefixFold(m.name, "__Host-"):
		var fix []string
		if !m.secure {
			fix = append(fix, "unset Insecure")
		}
		if m.path != "/" {
			fix = append(fix, `set Path to "/"`)
		}
		if m.domain != "" {
			fix = append(fix, "unset Domain")
		}
		if fix != nil {
			return fmt.Errorf("httpsession: browsers refuse the cookie %q: a __Host- cookie must be Secure, with Path / and no Domain; %s, or choose a name without the prefix",
				m.name, strings.Join(fix, ", "))
		}
	case hasPrefixFold(m.name, "__Secure-"):
		if !m.secure {
			return fmt.Errorf("httpsession: browsers refuse the cookie %q: a __Secure- cookie must be Secure; unset Insecure, or choose a name without the prefix", m.name)
		}
	}
	return nil
}

// checkLimits applies the defaults of the lifetimes and sizes and refuses
// combinations that cannot work with the codec.
func (m *Middleware) checkLimits(opts Options) error {
	codecMaxAge := time.Duration(0)
	if c, ok := m.codec.(interface{ MaxAge() time.Duration }); ok {
		codecMaxAge = c.MaxAge()
	}
	switch {
	case m.maxAge == 0 && codecMaxAge > 0:
		m.maxAge = codecMaxAge
	case m.maxAge == 0:
		m.maxAge = cookiecodec.DefaultMaxAge
	case m.maxAge < time.Second:
		return fmt.Errorf("httpsession: MaxAge %v is less than one second", opts.MaxAge)
	case codecMaxAge > 0 && m.maxAge > codecMaxAge:
		return fmt.Errorf("httpsession: MaxAge %v is longer than the codec's MaxAge %v, after which its tokens expire anyway; lower MaxAge or raise the codec's",
			opts.MaxAge, codecMaxAge)
	}
	m.maxLifetime = m.maxAge
	if codecMaxAge > 0 {
		m.maxLifetime = codecMaxAge
	}
	for _, d := range []struct {
		name  string
		value time.Duration
	}{{"IdleTimeout", m.idle}, {"AbsoluteTimeout", m.absolute}} {
		if d.value < 0 || d.value%time.Second != 0 {
			return fmt.Errorf("httpsession: %s %v is not a whole number of seconds", d.name, d.value)
		}
	}
	if m.idle > m.maxLifetime {
		return fmt.Errorf("httpsession: IdleTimeout %v is longer than the codec's MaxAge %v, after which its tokens expire anyway; lower IdleTimeout or raise the codec's MaxAge",
			m.idle, m.maxLifetime)
	}
	if m.absolute > 0 && m.idle > m.absolute {
		return fmt.Errorf("httpsession: IdleTimeout %v is longer than AbsoluteTimeout %v, which ends every session first; lower IdleTimeout", m.idle, m.absolute)
	}
	switch {
	case m.maxChunks == 0:
		m.maxChunks = DefaultMaxChunks
	case m.maxChunks < 2 || m.maxChunks > maxMaxChunks:
		return fmt.Errorf("httpsession: MaxChunks %d is not between 2 and %d", m.maxChunks, maxMaxChunks)
	}
	switch {
	case m.budget == 0:
		m.budget = DefaultCookieBudget
	case m.budget < 0:
		return fmt.Errorf("httpsession: CookieBudget %d is negative", m.budget)
	}
	if !m.chunked {
		return nil
	}
	if m.budget <= MaxCookieSize {
		return fmt.Errorf("httpsession: Chunked cannot add a second cookie within a CookieBudget of %d bytes; raise CookieBudget above %d or unset Chunked",
			m.budget, MaxCookieSize)
	}
	if c, ok := m.codec.(interface{ MaxLength() int }); ok && c.MaxLength() <= MaxCookieSize {
		return fmt.Errorf("httpsession: Chunked is set but the codec refuses tokens over %d bytes, about what one cookie holds; raise the codec's MaxLength (cookiecodec.Options.MaxLength or flask.Options.MaxLength) to about CookieBudget, %d, or unset Chunked",
			c.MaxLength(), m.budget)
	}
	return nil
}

// checkValue returns an error if the codec cannot encode value stored
// under key, found with the codec's own serializer when it is one of this
// module's, otherwise by encoding a session of that one key.
func (m *Middleware) checkValue(key string, value any) error {
	single := cookiecodec.Session{key: value}
	var err error
	switch m.codec.(type) {
	case *cookiecodec.Codec:
		_, err = cookiecodec.MarshalSession(single)
	case *flask.Codec:
		_, err = flask.MarshalTagged(single)
	default:
		if _, err = m.codec.Encode(m.name, single); errors.Is(err, cookiecodec.ErrTooLarge) {
			err = nil // the size of the whole session is checked when it is saved
		}
	}
	if err != nil {
		return fmt.Errorf("httpsession: cannot store %q: %w", key, err)
	}
	return nil
}
