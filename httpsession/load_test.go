package httpsession

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec"
)

// TestLoadState checks what Session.LoadState and Options.OnLoad report
// for each kind of cookie, and that a rejection's error matches its
// sentinel without quoting the cookie.
func TestLoadState(t *testing.T) {
	codec := bigCodec(t)
	legacy := newCodec(t, nil, cookiecodec.Options{})
	good, err := codec.Encode("session", cookiecodec.Session{"user": "Harry"})
	if err != nil {
		t.Fatal(err)
	}
	old, err := legacy.Encode("session", cookiecodec.Session{"user": "Sally"})
	if err != nil {
		t.Fatal(err)
	}
	expired := fmt.Errorf("%w: timed out", cookiecodec.ErrExpired)
	for _, tc := range []struct {
		name      string
		cookies   []*http.Cookie
		fallback  bool  // the legacy codec is a fallback decoder
		check     error // returned by a post-decode check
		want      LoadState
		wantErr   error
		wantUser  string
		wantReset bool // Set-Cookie re-issues the session
	}{
		{"no cookie", nil, false, nil, NoCookie, nil, "", false},
		{"other cookie", []*http.Cookie{{Name: "theme", Value: "dark"}}, false, nil, NoCookie, nil, "", false},
		{"valid", []*http.Cookie{{Name: "session", Value: good}}, false, nil, ValidCookie, nil, "Harry", false},
		{"foreign key", []*http.Cookie{{Name: "session", Value: old}}, false, nil, RejectedCookie, cookiecodec.ErrInvalid, "", false},
		{"garbage", []*http.Cookie{{Name: "session", Value: "AAAA"}}, false, nil, RejectedCookie, cookiecodec.ErrInvalid, "", false},
		{"orphan chunk", []*http.Cookie{{Name: "session.1", Value: "AAAA"}}, false, nil, RejectedCookie, cookiecodec.ErrInvalid, "", false},
		{"post check", []*http.Cookie{{Name: "session", Value: good}}, false, expired, RejectedCookie, cookiecodec.ErrExpired, "", false},
		{"migrated", []*http.Cookie{{Name: "session", Value: old}}, true, nil, MigratedCookie, nil, "Sally", true},
		{"migrated then checked", []*http.Cookie{{Name: "session", Value: old}}, true, expired, RejectedCookie, cookiecodec.ErrExpired, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hookState []LoadState
			var hookErr error
			m, _ := newMiddleware(t, codec, Options{
				Chunked: true,
				OnLoad: func(r *http.Request, st LoadState, err error) {
					hookState = append(hookState, st)
					hookErr = err
				},
			})
			if tc.fallback {
				if err := m.setLegacy([]Legacy{{Decoder: legacy}}); err != nil {
					t.Fatal(err)
				}
			}
			if tc.check != nil {
				m.checks = append(m.checks, func(*http.Request, cookiecodec.Session, cookiecodec.Info) error { return tc.check })
			}
			resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
				s := From(r)
				st, err := s.LoadState()
				if st != tc.want || !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
					t.Errorf("LoadState() = %v, %v, want %v, %v", st, err, tc.want, tc.wantErr)
				}
				if err != nil {
					for _, c := range tc.cookies {
						if strings.Contains(err.Error(), c.Value) {
							t.Errorf("LoadState() error %q quotes the cookie", err)
						}
					}
				}
				if user, _ := Get[string](s, "user"); user != tc.wantUser {
					t.Errorf("user = %q, want %q", user, tc.wantUser)
				}
				if st2, _ := s.LoadState(); st2 != st {
					t.Errorf("second LoadState() = %v, want %v", st2, st)
				}
			}, tc.cookies...)
			if len(hookState) != 1 || hookState[0] != tc.want || !errors.Is(hookErr, tc.wantErr) {
				t.Errorf("OnLoad saw %v, %v; want one call with %v, %v", hookState, hookErr, tc.want, tc.wantErr)
			}
			// An expired cookie is deleted; others are left alone unless
			// re-issued.
			wantDelete := errors.Is(tc.wantErr, cookiecodec.ErrExpired)
			cs := resp.Cookies()
			if reset := len(cs) == 1 && cs[0].MaxAge >= 0; reset != tc.wantReset {
				t.Errorf("Set-Cookie = %q, want re-issued: %v", setCookies(resp), tc.wantReset)
			}
			if deleted := len(cs) == 1 && cs[0].MaxAge < 0; deleted != wantDelete {
				t.Errorf("Set-Cookie = %q, want deleted: %v", setCookies(resp), wantDelete)
			}
			if tc.wantReset {
				if s, _, err := codec.Decode("session", resp.Cookies()[0].Value); err != nil || s["user"] != tc.wantUser {
					t.Errorf("re-issued cookie decodes to %v, %v, want the session in the codec's format", s, err)
				}
			}
		})
	}
}

// TestLoadStateUnused checks that a handler that never uses the session
// leaves it unloaded and unobserved, and that a nil session reports no
// cookie.
func TestLoadStateUnused(t *testing.T) {
	calls := 0
	m, _ := newMiddleware(t, nil, Options{OnLoad: func(*http.Request, LoadState, error) { calls++ }})
	serve(t, m, func(w http.ResponseWriter, r *http.Request) {}, &http.Cookie{Name: "session", Value: "AAAA"})
	if calls != 0 {
		t.Errorf("OnLoad called %d times for an unused session, want 0", calls)
	}
	var s *Session
	if st, err := s.LoadState(); st != NoCookie || err != nil {
		t.Errorf("nil Session LoadState() = %v, %v, want no cookie", st, err)
	}
}

func TestLoadStateString(t *testing.T) {
	for st, want := range map[LoadState]string{
		NoCookie: "no cookie", ValidCookie: "valid", RejectedCookie: "rejected", MigratedCookie: "migrated", 9: "LoadState(9)",
	} {
		if got := st.String(); got != want {
			t.Errorf("LoadState(%d).String() = %q, want %q", int(st), got, want)
		}
	}
}
