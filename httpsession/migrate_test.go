package httpsession

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec"
)

// TestMigrate checks the migration from a legacy cookie of another name:
// which cookie opens the session, what the response sets and deletes, and
// what LoadState and OnLoad report.
func TestMigrate(t *testing.T) {
	native := newCodec(t, nil, cookiecodec.Options{})
	legacy := newCodec(t, nil, cookiecodec.Options{})
	other := newCodec(t, nil, cookiecodec.Options{})
	enc := func(c *cookiecodec.Codec, name, user string) string {
		v, err := c.Encode(name, cookiecodec.Session{"user": user})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	nativeCookie := &http.Cookie{Name: "session", Value: enc(native, "session", "Harry")}
	legacyCookie := &http.Cookie{Name: "old", Value: enc(legacy, "old", "Sally")}
	for _, tc := range []struct {
		name       string
		legacy     []Legacy
		cookies    []*http.Cookie
		want       LoadState
		wantErr    error
		wantUser   string
		reissued   bool // a native cookie is set
		permanent  bool // with a Max-Age
		deleteOld  bool // "old" is deleted
		errSays    string
		useSession bool
	}{
		{name: "legacy only", legacy: []Legacy{{Decoder: legacy, CookieName: "old"}}, cookies: []*http.Cookie{legacyCookie},
			want: MigratedCookie, wantUser: "Sally", reissued: true, deleteOld: true},
		{name: "permanent", legacy: []Legacy{{Decoder: legacy, CookieName: "old", Permanent: true}}, cookies: []*http.Cookie{legacyCookie},
			want: MigratedCookie, wantUser: "Sally", reissued: true, permanent: true, deleteOld: true},
		{name: "kept", legacy: []Legacy{{Decoder: legacy, CookieName: "old", KeepCookie: true}}, cookies: []*http.Cookie{legacyCookie},
			want: MigratedCookie, wantUser: "Sally", reissued: true},
		{name: "second decoder", legacy: []Legacy{{Decoder: other, CookieName: "old"}, {Decoder: legacy, CookieName: "old"}}, cookies: []*http.Cookie{legacyCookie},
			want: MigratedCookie, wantUser: "Sally", reissued: true, deleteOld: true},
		{name: "native wins", legacy: []Legacy{{Decoder: legacy, CookieName: "old"}}, cookies: []*http.Cookie{nativeCookie, legacyCookie},
			want: ValidCookie, wantUser: "Harry", deleteOld: true},
		{name: "native rejected, legacy opens", legacy: []Legacy{{Decoder: legacy, CookieName: "old"}},
			cookies: []*http.Cookie{{Name: "session", Value: "AAAA"}, legacyCookie},
			want:    MigratedCookie, wantUser: "Sally", reissued: true, deleteOld: true},
		{name: "legacy rejected", legacy: []Legacy{{Decoder: other, CookieName: "old"}}, cookies: []*http.Cookie{legacyCookie},
			want: RejectedCookie, wantErr: cookiecodec.ErrInvalid, errSays: `legacy cookie "old"`},
		{name: "both rejected: the native error", legacy: []Legacy{{Decoder: other, CookieName: "old"}},
			cookies: []*http.Cookie{{Name: "session", Value: "AAAA"}, legacyCookie},
			want:    RejectedCookie, wantErr: cookiecodec.ErrInvalid},
		{name: "no legacy cookie", legacy: []Legacy{{Decoder: legacy, CookieName: "old"}}, cookies: []*http.Cookie{{Name: "theme", Value: "dark"}},
			want: NoCookie},
		{name: "same name is not tried without a native cookie", legacy: []Legacy{{Decoder: legacy}}, cookies: []*http.Cookie{legacyCookie},
			want: NoCookie},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var seen []LoadState
			m, _ := newMiddleware(t, native, Options{
				Legacy: tc.legacy,
				OnLoad: func(_ *http.Request, st LoadState, _ error) { seen = append(seen, st) },
			})
			resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
				s := From(r)
				st, err := s.LoadState()
				if st != tc.want || !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.errSays) {
					t.Errorf("LoadState() = %v, %v, want %v, %v saying %q", st, err, tc.want, tc.wantErr, tc.errSays)
				}
				if user, _ := Get[string](s, "user"); user != tc.wantUser {
					t.Errorf("user = %q, want %q", user, tc.wantUser)
				}
				if s.Permanent() != tc.permanent {
					t.Errorf("Permanent() = %v, want %v", s.Permanent(), tc.permanent)
				}
			}, tc.cookies...)
			if len(seen) != 1 || seen[0] != tc.want {
				t.Errorf("OnLoad saw %v, want [%v]", seen, tc.want)
			}
			var set, deleted *http.Cookie
			for _, c := range resp.Cookies() {
				switch {
				case c.Name == "session" && c.MaxAge >= 0:
					set = c
				case c.Name == "old" && c.MaxAge < 0:
					deleted = c
				default:
					t.Errorf("unexpected Set-Cookie %s", c)
				}
			}
			if (set != nil) != tc.reissued {
				t.Fatalf("Set-Cookie = %q, want a native cookie: %v", setCookies(resp), tc.reissued)
			}
			if set != nil {
				s, _, err := native.Decode("session", set.Value)
				if err != nil || s["user"] != tc.wantUser {
					t.Errorf("re-issued cookie decodes to %v, %v, want user %q", s, err, tc.wantUser)
				}
				if (set.MaxAge > 0) != tc.permanent {
					t.Errorf("re-issued cookie has Max-Age %d, want permanent: %v", set.MaxAge, tc.permanent)
				}
			}
			if (deleted != nil) != tc.deleteOld {
				t.Errorf("Set-Cookie = %q, want the legacy cookie deleted: %v", setCookies(resp), tc.deleteOld)
			}
			if deleted != nil && deleted.Path != "/" {
				t.Errorf("legacy deletion has Path %q, want /", deleted.Path)
			}
		})
	}
}

// TestMigrateDeletionAttributes checks that deleting the legacy cookie
// repeats its Path and Domain, not the native cookie's.
func TestMigrateDeletionAttributes(t *testing.T) {
	legacy := newCodec(t, nil, cookiecodec.Options{})
	v, err := legacy.Encode("old", cookiecodec.Session{"user": "Sally"})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := newMiddleware(t, nil, Options{Path: "/app", Legacy: []Legacy{{Decoder: legacy, CookieName: "old", Path: "/", Domain: "example.com"}}})
	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) { From(r).Get("user") }, &http.Cookie{Name: "old", Value: v})
	got := strings.Join(resp.Header.Values("Set-Cookie"), "\n")
	if !strings.Contains(got, "old=; Path=/; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0") {
		t.Errorf("Set-Cookie = %q, want old deleted with Path=/ and Domain=example.com", got)
	}
}

func TestLegacyOptions(t *testing.T) {
	dec := newCodec(t, nil, cookiecodec.Options{})
	for _, tc := range []struct {
		name string
		l    Legacy
		want string
	}{
		{"no decoder", Legacy{CookieName: "old"}, "httpsession: Legacy 1 of 1 has no Decoder"},
		{"bad name", Legacy{Decoder: dec, CookieName: "a b"}, `invalid CookieName "a b"`},
		{"chunk name", Legacy{Decoder: dec, CookieName: "session.1"}, `CookieName "session.1" is a chunk of the session cookie "session"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(dec, Options{CookieName: "session", Legacy: []Legacy{tc.l}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New(Legacy %+v) err = %v, want %q", tc.l, err, tc.want)
			}
		})
	}
}
