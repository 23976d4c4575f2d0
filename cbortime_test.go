package cookiecodec

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// oldParseRFC3339 is the rule parseRFC3339 replaces, by package time:
// what time.RFC3339Nano parses, in UTC, with a fraction, that it prints
// back identically.
func oldParseRFC3339(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Nanosecond() == 0 || !strings.HasSuffix(s, "Z") || t.Format(time.RFC3339Nano) != s {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// checkRFC3339 compares appendRFC3339 and parseRFC3339 with package time
// on t and on s.
func checkRFC3339(t *testing.T, tm time.Time, s string) {
	t.Helper()
	if tm = tm.UTC(); tm.Nanosecond() != 0 && tm.Year() >= 0 && tm.Year() <= 9999 {
		if got, want := string(appendRFC3339(nil, tm)), tm.Format(time.RFC3339Nano); got != want {
			t.Fatalf("appendRFC3339(%v) = %q, want %q", tm, got, want)
		}
	}
	got, ok := parseRFC3339(s)
	want, wantOK := oldParseRFC3339(s)
	if ok != wantOK || got != want {
		t.Fatalf("parseRFC3339(%q) = %v, %v; want %v, %v", s, got, ok, want, wantOK)
	}
}

func TestRFC3339(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const chars = "0123456789-T:.Z+ "
	for range 20000 {
		tm := time.Unix(r.Int64N(253402300800+62135596800)-62135596800, r.Int64N(1e9)>>(r.IntN(30)))
		s := []byte(tm.UTC().Format(time.RFC3339Nano))
		switch r.IntN(3) {
		case 0: // one character changed
			s[r.IntN(len(s))] = chars[r.IntN(len(chars))]
		case 1: // a digit added to the fraction, or one cut
			if r.IntN(2) == 0 {
				s = append(s[:len(s)-1], '0'+byte(r.IntN(10)), 'Z')
			} else if len(s) > 21 {
				s = append(s[:len(s)-2], 'Z')
			}
		}
		checkRFC3339(t, tm, string(s))
	}
	// The ends of the range, and the days around the month and year ends
	// that the civil-from-days arithmetic treats specially.
	for _, tm := range []time.Time{
		time.Date(0, 1, 1, 0, 0, 0, 1, time.UTC), time.Date(0, 2, 29, 12, 0, 0, 5e8, time.UTC), time.Date(0, 3, 1, 0, 0, 0, 1, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(1969, 12, 31, 23, 59, 59, 1e8, time.UTC),
		time.Date(1970, 1, 1, 0, 0, 0, 10, time.UTC), time.Date(2000, 2, 29, 0, 0, 0, 1, time.UTC), time.Date(2100, 2, 28, 23, 0, 0, 1, time.UTC),
		time.Date(2100, 3, 1, 0, 0, 0, 1, time.UTC), time.Date(400, 12, 31, 0, 0, 0, 1, time.UTC), time.Date(2026, 11, 28, 1, 45, 12, 345678901, time.UTC),
	} {
		checkRFC3339(t, tm, tm.Format(time.RFC3339Nano))
	}
	for _, s := range []string{"2026-02-29T00:00:00.5Z", "2024-02-29T00:00:00.5Z", "2026-04-31T00:00:00.5Z", "0000-01-01T00:00:00.000000001Z", "9999-12-31T23:59:59.999999999Z", "2026-01-01T24:00:00.5Z", "2026-01-01T00:00:60.5Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00.50Z"} {
		checkRFC3339(t, time.Time{}, s)
	}
}

func FuzzRFC3339(f *testing.F) {
	f.Add(int64(1764288000), int64(345678901), "2026-11-28T01:45:12.345678901Z")
	f.Add(int64(0), int64(1), "2026-02-29T00:00:00.5Z")
	f.Fuzz(func(t *testing.T, sec, nsec int64, s string) {
		checkRFC3339(t, time.Unix(sec, nsec), s)
	})
}
