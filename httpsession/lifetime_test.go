package httpsession

import (
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// clockCodec is a real codec whose tokens report as issue time the test's
// clock at Encode, so that tests move time for the middleware and the
// tokens together. The codec's own clock cannot be set from here.
type clockCodec struct {
	Codec
	now func() time.Time

	mu     sync.Mutex
	issued map[string]time.Time
}

func (c *clockCodec) Encode(name string, s cookiecodec.Session) (string, error) {
	v, err := c.Codec.Encode(name, s)
	if err == nil {
		c.mu.Lock()
		c.issued[v] = c.now().Truncate(time.Second)
		c.mu.Unlock()
	}
	return v, err
}

func (c *clockCodec) Decode(name, value string) (cookiecodec.Session, cookiecodec.Info, error) {
	s, info, err := c.Codec.Decode(name, value)
	if err == nil {
		c.mu.Lock()
		if t, ok := c.issued[value]; ok {
			info.IssuedAt = t
		}
		c.mu.Unlock()
	}
	return s, info, err
}

// clockClient drives a middleware over a clockCodec from one request to
// the next, keeping cookies as a browser would.
type clockClient struct {
	t     *testing.T
	m     *Middleware
	clock time.Time
	jar   jar
}

func newClockClient(t *testing.T, opts Options) *clockClient {
	c := &clockClient{t: t, clock: testNow, jar: jar{}}
	codec := &clockCodec{Codec: newCodec(t, nil, cookiecodec.Options{}), now: func() time.Time { return c.clock }, issued: map[string]time.Time{}}
	c.m, _ = newMiddleware(t, codec, opts)
	c.m.now = func() time.Time { return c.clock }
	return c
}

// at runs h at the given time after testNow and returns the response.
func (c *clockClient) at(after time.Duration, h func(s *Session)) *http.Response {
	c.t.Helper()
	c.clock = testNow.Add(after)
	resp := serve(c.t, c.m, func(w http.ResponseWriter, r *http.Request) { h(From(r)) }, c.jar.list()...)
	c.jar.update(resp)
	return resp
}

// user returns the session's user at the given time, and the load state.
func (c *clockClient) user(after time.Duration) (string, LoadState, error) {
	c.t.Helper()
	var user string
	var st LoadState
	var err error
	c.at(after, func(s *Session) {
		user, _ = Get[string](s, "user")
		st, err = s.LoadState()
	})
	return user, st, err
}

func TestSetLifetime(t *testing.T) {
	c := newClockClient(t, Options{})
	const month = 30 * 24 * time.Hour
	resp := c.at(0, func(s *Session) {
		s.Set("user", "Harry")
		if err := s.SetLifetime(month); err != nil {
			t.Errorf("SetLifetime(30 days) = %v", err)
		}
		if got := s.Lifetime(); got != month {
			t.Errorf("Lifetime() = %v, want %v", got, month)
		}
		for _, d := range []time.Duration{-time.Second, time.Millisecond, 1500 * time.Millisecond, cookiecodec.DefaultMaxAge + time.Second} {
			if err := s.SetLifetime(d); err == nil {
				t.Errorf("SetLifetime(%v) = nil, want an error", d)
			}
		}
	})
	cs := resp.Cookies()
	if len(cs) != 1 || cs[0].MaxAge != 2592000 || !cs[0].Expires.Equal(testNow.Add(month)) {
		t.Fatalf("Set-Cookie = %q, want Max-Age 2592000 and Expires 30 days on", setCookies(resp))
	}
	// A month less a second later the session is alive and slides; a
	// month and a second after that last use it is gone.
	if user, st, _ := c.user(month - time.Second); user != "Harry" || st != ValidCookie {
		t.Errorf("after 30 days less a second: user %q, state %v, want Harry, valid", user, st)
	}
	if user, st, err := c.user(2*month - time.Second); user != "Harry" {
		t.Errorf("30 days after the last use: user %q, state %v (%v), want Harry: the lifetime slides", user, st, err)
	}
	if user, st, err := c.user(3*month + time.Second); user != "" || st != RejectedCookie || !errors.Is(err, cookiecodec.ErrExpired) {
		t.Errorf("30 days and a second after the last use: user %q, state %v, %v, want rejected as expired", user, st, err)
	}

	// Back to a browser-session cookie.
	c = newClockClient(t, Options{})
	c.at(0, func(s *Session) { s.Set("user", "Harry"); s.SetLifetime(month) })
	resp = c.at(time.Minute, func(s *Session) {
		if err := s.SetLifetime(0); err != nil || s.Lifetime() != 0 || s.Permanent() {
			t.Errorf("SetLifetime(0) = %v, Lifetime %v, Permanent %v, want a browser-session cookie", err, s.Lifetime(), s.Permanent())
		}
		if s.Len() != 1 {
			t.Errorf("Keys() = %q, want only user", s.Keys())
		}
	})
	if cs := resp.Cookies(); len(cs) != 1 || cs[0].MaxAge != 0 || !cs[0].Expires.IsZero() {
		t.Errorf("Set-Cookie = %q, want a browser-session cookie", setCookies(resp))
	}
	var s *Session
	if err := s.SetLifetime(time.Hour); err == nil || s.Lifetime() != 0 {
		t.Error("nil Session SetLifetime = nil, want an error")
	}
}

func TestIdleTimeout(t *testing.T) {
	c := newClockClient(t, Options{IdleTimeout: 30 * time.Minute})
	c.at(0, func(s *Session) { s.Set("user", "Harry") })
	for _, at := range []time.Duration{20 * time.Minute, 45 * time.Minute, 75 * time.Minute} {
		if user, st, err := c.user(at); user != "Harry" || st != ValidCookie {
			t.Fatalf("used every 30 minutes, at %v: user %q, %v, %v, want Harry", at, user, st, err)
		}
	}
	// A request that does not use the session does not count as use.
	c.at(100*time.Minute, func(s *Session) {})
	user, st, err := c.user(105*time.Minute + time.Second)
	if user != "" || st != RejectedCookie || !errors.Is(err, cookiecodec.ErrExpired) {
		t.Errorf("30 minutes and a second unused: user %q, %v, %v, want rejected as expired", user, st, err)
	}
	if len(c.jar) != 0 {
		t.Errorf("cookies after the timeout: %v, want the session cookie deleted", c.jar)
	}
	// Within a second of the last save, the token is not re-issued.
	c.at(200*time.Minute, func(s *Session) { s.Set("user", "Sally") })
	if resp := c.at(200*time.Minute, func(s *Session) { s.Get("user") }); len(resp.Cookies()) != 0 {
		t.Errorf("Set-Cookie = %q, want none for a token of this second", setCookies(resp))
	}
}

func TestAbsoluteTimeout(t *testing.T) {
	c := newClockClient(t, Options{IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 2 * time.Hour})
	resp := c.at(0, func(s *Session) {
		s.Set("user", "Harry")
		s.SetLifetime(24 * time.Hour)
	})
	// The cookie does not outlive the absolute timeout.
	if cs := resp.Cookies(); len(cs) != 1 || cs[0].MaxAge != 7200 {
		t.Errorf("Set-Cookie = %q, want Max-Age 7200, capped by AbsoluteTimeout", setCookies(resp))
	}
	c.at(time.Minute, func(s *Session) {
		if lt, ok := s.LoginTime(); !ok || !lt.Equal(testNow) {
			t.Errorf("LoginTime() = %v, %v, want %v", lt, ok, testNow)
		}
	})
	for at := 10 * time.Minute; at <= 2*time.Hour; at += 10 * time.Minute {
		if user, st, err := c.user(at); user != "Harry" {
			t.Fatalf("at %v: user %q, %v, %v, want Harry", at, user, st, err)
		}
	}
	if user, st, err := c.user(2*time.Hour + time.Second); user != "" || st != RejectedCookie || !errors.Is(err, cookiecodec.ErrExpired) {
		t.Errorf("used every 10 minutes, 2 hours and a second after the login: user %q, %v, %v, want rejected as expired", user, st, err)
	}

	// Renew at login restarts the count.
	c = newClockClient(t, Options{AbsoluteTimeout: 2 * time.Hour})
	c.at(0, func(s *Session) { s.Set("csrf", "x") })
	c.at(90*time.Minute, func(s *Session) { s.Set("user", "Harry"); s.Renew() })
	if user, _, err := c.user(3 * time.Hour); user != "Harry" {
		t.Errorf("90 minutes after Renew: user %q (%v), want Harry", user, err)
	}
	if user, _, _ := c.user(3*time.Hour + 31*time.Minute); user != "" {
		t.Errorf("2 hours and a minute after Renew: user %q, want none", user)
	}

	// A session made without the login time (by Flask, or before the
	// option was set) gets one when it is first seen.
	c = newClockClient(t, Options{})
	c.at(0, func(s *Session) { s.Set("user", "Harry") })
	abs := newClockClient(t, Options{AbsoluteTimeout: 2 * time.Hour})
	abs.m.codec, abs.jar = c.m.codec, c.jar
	c.clock = testNow.Add(time.Hour)
	resp = abs.at(time.Hour, func(s *Session) {
		if _, ok := s.LoginTime(); ok {
			t.Error("LoginTime() ok before the first save")
		}
	})
	if len(resp.Cookies()) != 1 {
		t.Errorf("Set-Cookie = %q, want the session re-issued with its login time", setCookies(resp))
	}
	abs.at(2*time.Hour, func(s *Session) {
		if lt, ok := s.LoginTime(); !ok || !lt.Equal(testNow.Add(time.Hour)) {
			t.Errorf("LoginTime() = %v, %v, want %v", lt, ok, testNow.Add(time.Hour))
		}
	})
}
