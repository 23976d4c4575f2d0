package httpsession

import (
	"net/http"
	"runtime"
	"slices"
	"testing"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/flask"
)

// TestFlashes checks that flashed messages reach the next request once,
// in order with their categories, for both codecs, and that the Flask
// codec stores them as Flask does: a list of (category, message) tuples.
func TestFlashes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		codec Codec
	}{
		{"native", newCodec(t, nil, cookiecodec.Options{})},
		{"flask", newFlaskCodec(t, "a Flask SECRET_KEY of some length")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := newMiddleware(t, tc.codec, Options{})
			j := jar{}
			step := func(h func(s *Session)) *http.Response {
				t.Helper()
				resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) { h(From(r)) }, j.list()...)
				j.update(resp)
				return resp
			}
			step(func(s *Session) {
				s.Set("user", "Harry")
				s.Flash("You were logged in")
				s.FlashCategory("error", "bad \xffbyte")
			})
			stored, _, err := tc.codec.Decode("session", j["session"].Value)
			if err != nil {
				t.Fatal(err)
			}
			want := []any{[]any{"message", "You were logged in"}, []any{"error", "bad \uFFFDbyte"}}
			if _, ok := tc.codec.(*flask.Codec); ok {
				want = []any{flask.Tuple{"message", "You were logged in"}, flask.Tuple{"error", "bad \uFFFDbyte"}}
			}
			if got, _ := stored["_flashes"].([]any); !equalAny(got, want) {
				t.Errorf("stored _flashes = %#v, want %#v", stored["_flashes"], want)
			}
			wantFlashes := []Flash{{"message", "You were logged in"}, {"error", "bad \uFFFDbyte"}}
			step(func(s *Session) {
				if got := s.Flashes(); !slices.Equal(got, wantFlashes) {
					t.Errorf("Flashes() = %q, want %q", got, wantFlashes)
				}
				s.Flash("later")
				if got := s.Flashes(); !slices.Equal(got, wantFlashes) {
					t.Errorf("second Flashes() = %q, want the same messages again", got)
				}
			})
			step(func(s *Session) {
				if got := s.Flashes(); !slices.Equal(got, []Flash{{"message", "later"}}) {
					t.Errorf("Flashes() = %q, want only the one flashed after the last read", got)
				}
			})
			resp := step(func(s *Session) {
				if got := s.Flashes(); len(got) != 0 {
					t.Errorf("Flashes() = %q, want none: they were read", got)
				}
			})
			if len(resp.Cookies()) != 0 {
				t.Errorf("reading no flashes: Set-Cookie = %q, want none", setCookies(resp))
			}
			if s, _, err := tc.codec.Decode("session", j["session"].Value); err != nil || s["user"] != "Harry" || s["_flashes"] != nil {
				t.Errorf("session after reading the flashes = %v, %v, want the user and no _flashes", s, err)
			}
		})
	}
}

// TestFlashesFromFlask checks that what Flask's flash() stores (tuples,
// Markup messages) and malformed entries are read as they should be.
func TestFlashesFromFlask(t *testing.T) {
	codec := newFlaskCodec(t, "a Flask SECRET_KEY of some length")
	v, err := codec.Encode("session", cookiecodec.Session{"_flashes": []any{
		flask.Tuple{"message", "Hello"},
		flask.Tuple{"info", flask.Markup("<b>bold</b>")},
		flask.Tuple{"one"},
		[]any{1, "not a category"},
		"not a pair",
		[]any{"warning", "as a list"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := newMiddleware(t, codec, Options{})
	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		want := []Flash{{"message", "Hello"}, {"info", "<b>bold</b>"}, {"warning", "as a list"}}
		if got := From(r).Flashes(); !slices.Equal(got, want) {
			t.Errorf("Flashes() = %q, want %q", got, want)
		}
	}, &http.Cookie{Name: "session", Value: v})
	if cs := resp.Cookies(); len(cs) != 1 || cs[0].MaxAge >= 0 {
		t.Errorf("Set-Cookie = %q, want the emptied session deleted", setCookies(resp))
	}
	var s *Session
	s.Flash("dropped")
	if s.Flashes() != nil {
		t.Error("nil Session Flashes() is not nil")
	}
}

// equalAny compares lists of pairs, as flask.Tuple or []any.
func equalAny(a, b []any) bool {
	return slices.EqualFunc(a, b, func(x, y any) bool {
		switch x := x.(type) {
		case []any:
			y, ok := y.([]any)
			return ok && slices.Equal(x, y)
		case flask.Tuple:
			y, ok := y.(flask.Tuple)
			return ok && slices.Equal(x, y)
		}
		return false
	})
}

// TestFlashCostLinear checks that flashing n messages in one request costs
// memory linear in n: the list grows in place rather than being copied by
// every flash, which made a handler that flashes a message per item of
// its input quadratic in that input.
func TestFlashCostLinear(t *testing.T) {
	const n, maxPerFlash = 4096, 512
	m, _ := newMiddleware(t, nil, Options{ErrorHandler: func(http.ResponseWriter, *http.Request, error) {}})
	serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		s.Len()
		got := allocatedBy(func() {
			for range n {
				s.Flash("x")
			}
		})
		if per := got / n; per > maxPerFlash {
			t.Errorf("%d flashes allocated %d bytes, %d per flash; want at most %d", n, got, per, maxPerFlash)
		}
		s.Clear()
	})
}

// allocatedBy returns the bytes allocated while f runs, by every
// goroutine: callers allow a margin far above what f should allocate.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
