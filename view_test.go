package cookiecodec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"
)

// checkView checks that ViewSession accepts p exactly when
// UnmarshalSession does, and that the View reads every value, the key
// list and the whole session as the decoded session holds them. Values
// compare by their canonical encoding, so that NaN equals NaN.
func checkView(t *testing.T, p []byte) {
	t.Helper()
	s, err := UnmarshalSession(p)
	v, verr := ViewSession(p)
	if (err == nil) != (verr == nil) {
		t.Fatalf("ViewSession(%x) err = %v, but UnmarshalSession err = %v", p, verr, err)
	}
	if err != nil {
		if v != (View{}) {
			t.Fatalf("ViewSession(%x) returned a View with error %v", p, verr)
		}
		return
	}
	if v.Len() != len(s) {
		t.Errorf("View.Len() = %d, want %d", v.Len(), len(s))
	}
	keys := v.Keys()
	want := make([]string, 0, len(s))
	for k := range s {
		want = append(want, k)
	}
	slices.SortFunc(want, lessKey)
	if !slices.Equal(keys, want) {
		t.Errorf("View.Keys() = %q, want %q", keys, want)
	}
	for k, x := range s {
		got, ok := v.Get(k)
		g, _ := MarshalSession(Session{"v": got})
		w, _ := MarshalSession(Session{"v": x})
		if !ok || !bytes.Equal(g, w) {
			t.Errorf("View.Get(%q) = %v, %v; want %v, true", k, got, ok, x)
		}
		// A key just before and just after k in canonical order.
		for _, other := range []string{k + "\x00", k[:max(len(k)-1, 0)]} {
			if _, in := s[other]; in {
				continue
			}
			if got, ok := v.Get(other); ok {
				t.Errorf("View.Get(%q) = %v, true; want no value", other, got)
			}
		}
	}
	if again, err := MarshalSession(v.Session()); err != nil || !bytes.Equal(again, p) {
		t.Errorf("MarshalSession(View.Session()) = %x, %v; want %x", again, err, p)
	}
}

func TestViewSessionVectors(t *testing.T) {
	vs := loadSessionVectors(t)
	if len(vs) == 0 {
		t.Fatal("no vectors in testdata/session")
	}
	for _, sv := range vs {
		checkView(t, mustHex(t, sv.Payload))
	}
}

func FuzzViewSession(f *testing.F) {
	vs := loadSessionVectors(f)
	if len(vs) == 0 {
		f.Fatal("no seeds in testdata/session")
	}
	for _, v := range vs {
		f.Add(mustHex(f, v.Payload))
	}
	f.Fuzz(checkView)
}

func TestDecodeView(t *testing.T) {
	ring := testRing(t, testKey(t, 1))
	c := pinnedCodec(t, ring, Options{}, testNow)
	s := Session{"user_id": 42, "csrf": "tok", "roles": []string{"a"}, "at": testNow}
	value, err := c.Encode("session", s)
	if err != nil {
		t.Fatal(err)
	}
	v, info, err := c.DecodeView("session", value)
	if err != nil || info.KeyID != ring.Primary().ID() {
		t.Fatalf("DecodeView = %+v, %v", info, err)
	}
	if id, ok := Get[int](v, "user_id"); !ok || id != 42 {
		t.Errorf("Get[int](view, user_id) = %d, %v; want 42, true", id, ok)
	}
	if roles, ok := Get[[]string](v, "roles"); !ok || !slices.Equal(roles, []string{"a"}) {
		t.Errorf("Get[[]string](view, roles) = %q, %v; want [a], true", roles, ok)
	}
	if at, ok := Get[time.Time](v, "at"); !ok || !at.Equal(testNow) {
		t.Errorf("Get[time.Time](view, at) = %v, %v; want %v, true", at, ok, testNow)
	}
	if _, ok := Get[string](v, "user_id"); ok {
		t.Error("Get[string](view, user_id) ok = true, want false")
	}
	if _, ok := Get[string](View{}, "csrf"); ok {
		t.Error("Get on the zero View ok = true, want false")
	}
	if n := (View{}).Len(); n != 0 {
		t.Errorf("View{}.Len() = %d, want 0", n)
	}

	// DecodeView rejects what Decode rejects, with the same sentinel.
	for _, tc := range []struct {
		name, value string
		codec       *Codec
		want        error
	}{
		{"tampered", value[:len(value)-2] + "AA", c, ErrInvalid},
		{"expired", value, pinnedCodec(t, ring, Options{}, testNow.Add(DefaultMaxAge+time.Hour)), ErrExpired},
		{"not a session", mustSeal(t, c, []byte{0x80}), c, ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, info, err := tc.codec.DecodeView("session", tc.value)
			if !errors.Is(err, tc.want) || v != (View{}) || info != (Info{}) {
				t.Errorf("DecodeView(%q) = %v, %+v, %v; want the zero View, %v", tc.value, v, info, err, tc.want)
			}
			if _, _, derr := tc.codec.Decode("session", tc.value); derr == nil || derr.Error() != err.Error() {
				t.Errorf("Decode err = %v, DecodeView err = %v; want the same", derr, err)
			}
		})
	}
}

func mustSeal(t *testing.T, c *Codec, p []byte) string {
	t.Helper()
	v, err := c.Seal("session", p)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestViewNeverPrintsPayload checks that no fmt verb, log/slog or
// encoding/json shows what a View holds.
func TestViewNeverPrintsPayload(t *testing.T) {
	v, err := ViewSession(mustMarshal(t, Session{"secret": "hunter2-plaintext"}))
	if err != nil {
		t.Fatal(err)
	}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		outs = append(outs, fmt.Sprintf(verb, v), fmt.Sprintf(verb, &v), fmt.Sprintf(verb, []View{v}))
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "view", v)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "view", v)
	j, _ := json.Marshal(v)
	outs = append(outs, buf.String(), string(j))
	for _, out := range outs {
		if strings.Contains(out, "hunter2") || strings.Contains(out, "6875") || strings.Contains(strings.ToLower(out), "aHVudGVy") {
			t.Errorf("a View printed its payload: %q", out)
		}
	}
	if got := fmt.Sprint(v); got != "cookiecodec.View(1 keys)" {
		t.Errorf("fmt.Sprint(View) = %q, want cookiecodec.View(1 keys)", got)
	}
}

func mustMarshal(t *testing.T, s Session) []byte {
	t.Helper()
	p, err := MarshalSession(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestViewIndex checks both ways Get finds a key: the binary search of the
// index of a payload of up to 64 KiB, and the walk of a longer one, whose
// key offsets would not fit the index.
func TestViewIndex(t *testing.T) {
	for _, size := range []int{10, maxIndexed - 100, maxIndexed + 100} {
		// "b" sorts second: the keys after it sit beyond its value.
		s := Session{"a": 1, "b": strings.Repeat("v", size), "bb": "x", "zz": []any{"y", 2}, "zzz": map[string]any{"k": 3}, "long": true}
		p, err := MarshalSession(s)
		if err != nil {
			t.Fatal(err)
		}
		checkView(t, p)
		v, err := ViewSession(p)
		if err != nil {
			t.Fatal(err)
		}
		if indexed := v.idx != ""; indexed != (len(p) <= maxIndexed) {
			t.Errorf("payload of %d bytes: View indexed = %v", len(p), indexed)
		}
	}
}
