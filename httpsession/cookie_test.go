package httpsession

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec"
)

// bigCodec accepts tokens long enough to need chunks.
func bigCodec(t testing.TB) *cookiecodec.Codec {
	return newCodec(t, nil, cookiecodec.Options{Encrypt: true, MaxLength: 64 << 10})
}

func TestTooLargeWithoutChunking(t *testing.T) {
	m, logs := newMiddleware(t, bigCodec(t), Options{})
	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		From(r).Set("note", strings.Repeat("x", 5000))
		io.WriteString(w, "handler body")
	})
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusInternalServerError || len(setCookies(resp)) != 0 || strings.Contains(string(body), "handler body") {
		t.Errorf("got %d, Set-Cookie %q, body %q, want 500, no cookie, no handler body", resp.StatusCode, setCookies(resp), body)
	}
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "more than the 4096 browsers keep") {
		t.Errorf("log = %q, want an error line about the size", logs.String())
	}
	if strings.Contains(logs.String(), "xxxx") {
		t.Error("log contains the session's contents")
	}
}

func TestSizeCountsWholeHeader(t *testing.T) {
	// Find the largest value whose cookie fits, then check one more byte
	// fails: the limit applies to the Set-Cookie header, attributes and
	// all, not to the token alone.
	m, _ := newMiddleware(t, bigCodec(t), Options{Domain: "a-rather-long-domain-name.example.com"})
	fits := func(n int) (int, bool) {
		resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
			From(r).Set("v", strings.Repeat("x", n))
		})
		if sc := setCookies(resp); len(sc) == 1 {
			return len(sc[0]), true
		}
		return 0, false
	}
	lo, hi := 0, 4096
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if _, ok := fits(mid); ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	size, _ := fits(lo)
	// Encryption pads nothing, but base64 grows in steps of 4 characters
	// for 3 bytes, so the largest cookie that fits is within 3 bytes of it.
	if size > MaxCookieSize || size < MaxCookieSize-3 {
		t.Errorf("largest Set-Cookie header is %d bytes, want just under %d", size, MaxCookieSize)
	}
}

func TestChunking(t *testing.T) {
	m, _ := newMiddleware(t, bigCodec(t), Options{Chunked: true, MaxChunks: 5, CookieBudget: bigBudget})
	j := jar{}
	set := func(n int) *http.Response {
		t.Helper()
		resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
			if n == 0 {
				From(r).Clear()
			} else {
				From(r).Set("note", strings.Repeat("n", n))
			}
		}, j.list()...)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("saving a %d-byte note: status %d", n, resp.StatusCode)
		}
		for _, h := range setCookies(resp) {
			if len(h) > MaxCookieSize {
				t.Errorf("Set-Cookie header of %d bytes, over %d", len(h), MaxCookieSize)
			}
		}
		j.update(resp)
		return resp
	}
	names := func() []string {
		var ns []string
		for n := range j {
			ns = append(ns, n)
		}
		slices.Sort(ns)
		return ns
	}
	check := func(n int) {
		t.Helper()
		serve(t, m, func(w http.ResponseWriter, r *http.Request) {
			note, _ := Get[string](From(r), "note")
			if len(note) != n {
				t.Errorf("note read back is %d bytes, want %d", len(note), n)
			}
		}, j.list()...)
	}

	for _, step := range []struct {
		name      string
		size      int
		wantNames []string
	}{
		{"one cookie", 100, []string{"session"}},
		{"three chunks", 7000, []string{"session", "session.1", "session.2"}},
		{"two chunks", 4000, []string{"session", "session.1"}},
		{"four chunks", 11000, []string{"session", "session.1", "session.2", "session.3"}},
		{"back to one", 10, []string{"session"}},
		{"two again", 4000, []string{"session", "session.1"}},
		{"cleared", 0, nil},
	} {
		t.Run(step.name, func(t *testing.T) {
			set(step.size)
			if got := names(); !slices.Equal(got, step.wantNames) {
				t.Errorf("cookies after saving %d bytes = %q, want %q", step.size, got, step.wantNames)
			}
			if step.size > 0 {
				check(step.size)
			}
		})
	}

	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		From(r).Set("note", strings.Repeat("n", 40000))
	})
	if resp.StatusCode != http.StatusInternalServerError || len(setCookies(resp)) != 0 {
		t.Errorf("session over MaxChunks: status %d, Set-Cookie %q, want 500 and none", resp.StatusCode, setCookies(resp))
	}
}

func TestChunkReadErrors(t *testing.T) {
	m, _ := newMiddleware(t, bigCodec(t), Options{Chunked: true, CookieBudget: bigBudget})
	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		From(r).Set("note", strings.Repeat("n", 7000))
	})
	full := resp.Cookies()
	if len(full) != 3 {
		t.Fatalf("got %d cookies, want 3 chunks", len(full))
	}
	for _, tc := range []struct {
		name    string
		cookies []*http.Cookie
	}{
		{"missing last chunk", full[:2]},
		{"missing middle chunk", []*http.Cookie{full[0], full[2]}},
		{"missing first chunk", full[1:]},
		{"chunks swapped", []*http.Cookie{
			{Name: "session", Value: full[0].Value},
			{Name: "session.1", Value: full[2].Value},
			{Name: "session.2", Value: full[1].Value},
		}},
		{"count too large", []*http.Cookie{{Name: "session", Value: "9~" + full[0].Value[2:]}, full[1], full[2]}},
		{"count of one", []*http.Cookie{{Name: "session", Value: "1~" + full[0].Value[2:]}}},
		// Whole tokens, with an empty chunk put in: split never writes one.
		{"empty middle chunk", []*http.Cookie{{Name: "session", Value: "4~" + full[0].Value[2:]}, full[1],
			{Name: "session.2", Value: ""}, {Name: "session.3", Value: full[2].Value}}},
		{"empty first chunk", []*http.Cookie{{Name: "session", Value: "4~"}, {Name: "session.1", Value: full[0].Value[2:]},
			{Name: "session.2", Value: full[1].Value}, {Name: "session.3", Value: full[2].Value}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hookErr error
			hm, _ := newMiddleware(t, m.codec, Options{Chunked: true, CookieBudget: bigBudget, OnDecodeError: func(r *http.Request, err error) { hookErr = err }})
			resp := serve(t, hm, func(w http.ResponseWriter, r *http.Request) {
				s := From(r)
				if s.Len() != 0 {
					t.Errorf("Len() = %d, want an empty session", s.Len())
				}
				s.Clear()
			}, tc.cookies...)
			if !errors.Is(hookErr, cookiecodec.ErrInvalid) {
				t.Errorf("OnDecodeError got %v, want ErrInvalid", hookErr)
			}
			// Clearing deletes every cookie the request carried.
			var deleted []string
			for _, c := range resp.Cookies() {
				if c.MaxAge < 0 {
					deleted = append(deleted, c.Name)
				}
			}
			for _, c := range tc.cookies {
				if !slices.Contains(deleted, c.Name) {
					t.Errorf("Clear deleted %q, want %s deleted too", deleted, c.Name)
				}
			}
		})
	}
}

func TestChunkedOffIgnoresChunks(t *testing.T) {
	// A server with chunking off reads a chunked cookie as an invalid
	// token, and deletes the stray chunks when it saves.
	chunked, _ := newMiddleware(t, bigCodec(t), Options{Chunked: true, CookieBudget: bigBudget})
	resp := serve(t, chunked, func(w http.ResponseWriter, r *http.Request) {
		From(r).Set("note", strings.Repeat("n", 5000))
	})
	plain, _ := newMiddleware(t, chunked.codec, Options{})
	resp = serve(t, plain, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		if s.Len() != 0 {
			t.Errorf("Len() = %d, want an empty session", s.Len())
		}
		s.Set("small", 1)
	}, resp.Cookies()...)
	var got []string
	for _, c := range resp.Cookies() {
		got = append(got, c.Name)
	}
	if !slices.Equal(got, []string{"session", "session.1"}) || resp.Cookies()[1].MaxAge >= 0 {
		t.Errorf("Set-Cookie = %q, want session and a deletion of session.1", setCookies(resp))
	}
}

func TestRequestChunks(t *testing.T) {
	m, _ := newMiddleware(t, nil, Options{})
	for _, tc := range []struct {
		header string
		want   []int
	}{
		{"", nil},
		{"session=a", nil},
		{"session=a; session.1=b; session.2=c", []int{1, 2}},
		{"session.2=c;session.1=b", []int{1, 2}},
		{"session.0=x; session.01=x; session.x=y; session.100=z; other.1=q; session.+1=s; session.-1=t", nil},
		{"session.1=a; session.1=b", []int{1}},
		{"  session.12 = x ", []int{12}},
	} {
		t.Run(tc.header, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Cookie", tc.header)
			if got := m.parseCookies(r).chunks(); !slices.Equal(got, tc.want) {
				t.Errorf("parseCookies(%q).chunks() = %v, want %v", tc.header, got, tc.want)
			}
		})
	}
}

func TestChunkCount(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  int
	}{
		{"abc", 0},
		{"3~abc", 3},
		{"12~abc", 12},
		{"123~abc", 0},
		{"~abc", 0},
		{"a~abc", 0},
		{"ab.cd~", 0},
	} {
		if got, _ := chunkCount(tc.value); got != tc.want {
			t.Errorf("chunkCount(%q) = %d, want %d", tc.value, got, tc.want)
		}
	}
}
