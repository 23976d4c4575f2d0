package httpsession

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// legacyAt is a legacy Decoder that accepts every value as a session
// holding data, issued at issued (none if zero).
func legacyAt(data cookiecodec.Session, issued time.Time) Decoder {
	return decoderFunc(func(string, string) (cookiecodec.Session, cookiecodec.Info, error) {
		return maps.Clone(data), cookiecodec.Info{IssuedAt: issued}, nil
	})
}

// TestMigrateSubject checks Legacy.Subject: a migrated session gets its
// subject with the legacy token's issue time, so that a revocation made
// after the legacy cookie was issued rejects it on migration, one made
// before does not, and one made after the migration reaches the native
// cookie.
func TestMigrateSubject(t *testing.T) {
	revokedAt := testNow
	uid := func(s cookiecodec.Session) string { v, _ := s["uid"].(string); return v }
	for _, tc := range []struct {
		name     string
		data     cookiecodec.Session
		issued   time.Time
		subject  func(cookiecodec.Session) string
		want     LoadState
		wantErr  error
		wantSub  string
		wantAt   int64 // the native cookie's "_sub_at"
		errSays  string
		noRevoke bool // the subject was never revoked
	}{
		{name: "issued before the revocation", data: cookiecodec.Session{"uid": "harry"}, issued: revokedAt.Add(-time.Minute), subject: uid,
			want: RejectedCookie, wantErr: ErrRevoked},
		{name: "issued after the revocation", data: cookiecodec.Session{"uid": "harry"}, issued: revokedAt.Add(time.Second), subject: uid,
			want: MigratedCookie, wantSub: "harry", wantAt: revokedAt.Add(time.Second).UnixMicro()},
		{name: "no issue time, revoked subject", data: cookiecodec.Session{"uid": "harry"}, subject: uid,
			want: RejectedCookie, wantErr: ErrRevoked},
		{name: "no issue time, never revoked", data: cookiecodec.Session{"uid": "sally"}, subject: uid,
			want: MigratedCookie, wantSub: "sally", wantAt: 0, noRevoke: true},
		{name: "another subject", data: cookiecodec.Session{"uid": "sally"}, issued: revokedAt.Add(-time.Minute), subject: uid,
			want: MigratedCookie, wantSub: "sally", wantAt: revokedAt.Add(-time.Minute).UnixMicro(), noRevoke: true},
		{name: "anonymous", data: cookiecodec.Session{"theme": "dark"}, issued: revokedAt.Add(-time.Minute), subject: uid,
			want: MigratedCookie},
		{name: "no Subject: not checked", data: cookiecodec.Session{"uid": "harry"}, issued: revokedAt.Add(-time.Minute),
			want: MigratedCookie},
		{name: "the session's own subject", data: cookiecodec.Session{"uid": "harry", subjectKey: "sally", subjectAtKey: revokedAt.Add(-time.Hour).UnixMicro()},
			issued: revokedAt.Add(-time.Minute), subject: uid,
			want: MigratedCookie, wantSub: "sally", wantAt: revokedAt.Add(-time.Hour).UnixMicro(), noRevoke: true},
		{name: "subject too long", data: cookiecodec.Session{"uid": strings.Repeat("h", MaxSubjectLength+1)}, issued: revokedAt.Add(time.Second), subject: uid,
			want: RejectedCookie, wantErr: cookiecodec.ErrInvalid, errSays: "Legacy.Subject"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			rv, _ := newRevoker(t, clk, RevokerOptions{})
			if err := rv.Revoke(context.Background(), "harry"); err != nil {
				t.Fatal(err)
			}
			clk.advance(time.Minute)
			native := newCodec(t, nil, cookiecodec.Options{})
			m, _ := newMiddleware(t, native, Options{Revoker: rv, Legacy: []Legacy{{Decoder: legacyAt(tc.data, tc.issued), CookieName: "old", Subject: tc.subject}}})
			var st LoadState
			var loadErr error
			var sub string
			resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
				s := From(r)
				st, loadErr = s.LoadState()
				sub = s.Subject()
			}, &http.Cookie{Name: "old", Value: "x"})
			if st != tc.want || !errors.Is(loadErr, tc.wantErr) || (tc.wantErr == nil) != (loadErr == nil) || loadErr != nil && !strings.Contains(loadErr.Error(), tc.errSays) {
				t.Fatalf("LoadState() = %v, %v, want %v, %v", st, loadErr, tc.want, tc.wantErr)
			}
			if sub != tc.wantSub {
				t.Errorf("Subject() = %q, want %q", sub, tc.wantSub)
			}
			j := jar{"old": {Name: "old", Value: "x"}}
			j.update(resp)
			if _, ok := j["old"]; ok && tc.wantErr != cookiecodec.ErrInvalid {
				t.Errorf("Set-Cookie = %q, want the legacy cookie deleted", setCookies(resp))
			}
			if st != MigratedCookie {
				return
			}
			c, ok := j["session"]
			if !ok {
				t.Fatalf("Set-Cookie = %q, want the migrated session re-issued", setCookies(resp))
			}
			data, _, err := native.Decode("session", c.Value)
			if err != nil {
				t.Fatal(err)
			}
			if at, _ := cookiecodec.Get[int64](data, subjectAtKey); data[subjectKey] != nil && (data[subjectKey] != tc.wantSub || at != tc.wantAt) {
				t.Errorf("re-issued session has subject %v at %v, want %q at %d", data[subjectKey], data[subjectAtKey], tc.wantSub, tc.wantAt)
			}
			if tc.wantSub == "" {
				if _, ok := data[subjectKey]; ok {
					t.Errorf("re-issued session has subject %v, want none", data[subjectKey])
				}
				return
			}
			// A revocation after the migration reaches the native cookie.
			clk.advance(time.Second)
			if err := rv.Revoke(context.Background(), tc.wantSub); err != nil {
				t.Fatal(err)
			}
			serve(t, m, func(w http.ResponseWriter, r *http.Request) { st, loadErr = From(r).LoadState() }, j.list()...)
			if st != RejectedCookie || !errors.Is(loadErr, ErrRevoked) {
				t.Errorf("after revoking %s: LoadState() = %v, %v, want rejected, ErrRevoked", tc.wantSub, st, loadErr)
			}
		})
	}
}

// TestMigrateAbsoluteTimeout checks that the absolute timeout of a
// migrated session counts from the legacy token's issue time, not from
// the migration.
func TestMigrateAbsoluteTimeout(t *testing.T) {
	const day = 24 * time.Hour
	for _, tc := range []struct {
		name      string
		issued    time.Time
		want      LoadState
		wantLogin time.Time
	}{
		{"issued an hour ago", testNow.Add(-time.Hour), MigratedCookie, testNow.Add(-time.Hour)},
		{"issued past the timeout", testNow.Add(-day - time.Second), RejectedCookie, time.Time{}},
		{"no issue time: counts from now", time.Time{}, MigratedCookie, testNow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			native := newCodec(t, nil, cookiecodec.Options{})
			m, _ := newMiddleware(t, native, Options{AbsoluteTimeout: day,
				Legacy: []Legacy{{Decoder: legacyAt(cookiecodec.Session{"uid": "harry"}, tc.issued), CookieName: "old", Permanent: true}}})
			var st LoadState
			var loadErr error
			resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) { st, loadErr = From(r).LoadState() }, &http.Cookie{Name: "old", Value: "x"})
			if st != tc.want || tc.want == RejectedCookie && !errors.Is(loadErr, cookiecodec.ErrExpired) {
				t.Fatalf("LoadState() = %v, %v, want %v", st, loadErr, tc.want)
			}
			j := jar{}
			j.update(resp)
			c, ok := j["session"]
			if ok != (tc.want == MigratedCookie) {
				t.Fatalf("Set-Cookie = %q, want a native cookie: %v", setCookies(resp), tc.want == MigratedCookie)
			}
			if !ok {
				return
			}
			data, _, err := native.Decode("session", c.Value)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := loginTime(values{m: data}); !got.Equal(tc.wantLogin) {
				t.Errorf("login time %v, want %v", got, tc.wantLogin)
			}
			if want := int(tc.wantLogin.Add(day).Sub(testNow) / time.Second); c.MaxAge != want {
				t.Errorf("Max-Age %d, want %d, the rest of the absolute timeout", c.MaxAge, want)
			}
		})
	}
}
