package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// meta is what decode and inspect say about a cookie besides its session.
// Its JSON form is part of the output of decode --json and inspect --json.
type meta struct {
	// Format is "native", "flask" or "gorilla".
	Format string `json:"format"`
	// Version is the native format version; 0 for Flask.
	Version int `json:"version,omitempty"`
	// Mode is "signed" or "encrypted"; "unknown" for a gorilla cookie
	// inspected without its keys.
	Mode       string `json:"mode"`
	Compressed bool   `json:"compressed"`
	// KeyID is the key id the cookie carries (native) or the id of the
	// secret that verified it (Flask, decode only).
	KeyID string `json:"key_id,omitempty"`
	// Primary reports whether the key that opened the cookie is the
	// primary (decode only).
	Primary *bool `json:"primary,omitempty"`
	// IssuedAt is the issue time in RFC 3339, UTC; Age is now minus
	// IssuedAt, in whole seconds, negative for a time in the future.
	IssuedAt   string `json:"issued_at"`
	AgeSeconds int64  `json:"age_seconds"`
	// Length is the cookie value's length, in bytes.
	Length int `json:"length"`

	issuedAt time.Time
}

// newMeta fills the time fields of a meta from the issue time.
func newMeta(format string, issuedAt time.Time, length int) meta {
	return meta{
		Format:     format,
		IssuedAt:   issuedAt.UTC().Format(time.RFC3339),
		AgeSeconds: now().Unix() - issuedAt.Unix(),
		Length:     length,
		issuedAt:   issuedAt,
	}
}

// modeName names a cookie's mode.
func modeName(encrypted bool) string {
	if encrypted {
		return "encrypted"
	}
	return "signed"
}

// print writes the metadata as aligned "label: value" lines.
func (m meta) print(w io.Writer, extra ...[2]string) {
	format := m.Format
	if m.Version != 0 {
		format += " v" + strconv.Itoa(m.Version)
	}
	mode := m.Mode
	if m.Compressed {
		mode += ", compressed"
	}
	lines := [][2]string{
		{"format", format},
		{"mode", mode},
	}
	if m.KeyID != "" {
		key := m.KeyID
		switch {
		case m.Primary == nil:
		case *m.Primary && m.Format == formatFlask:
			key += " (current secret)"
		case *m.Primary:
			key += " (primary)"
		case m.Format == formatFlask:
			key += " (fallback secret: would be re-issued)"
		default:
			key += " (decode-only: would be re-issued)"
		}
		lines = append(lines, [2]string{"key id", key})
	}
	lines = append(lines,
		[2]string{"issued at", m.IssuedAt + " (" + ageText(m.AgeSeconds) + ")"},
		[2]string{"length", strconv.Itoa(m.Length) + " bytes"},
	)
	lines = append(lines, extra...)
	for _, l := range lines {
		fmt.Fprintf(w, "%-10s %s\n", l[0]+":", l[1])
	}
}

// ageText words an age in seconds: "2h13m ago", "in 5s", "just now".
func ageText(age int64) string {
	switch {
	case age == 0:
		return "just now"
	case age > 0:
		return durationText(age) + " ago"
	default:
		return "in " + durationText(-age) + ", in the future"
	}
}

// durationText prints a count of seconds as "3d4h", "2h13m", "45s",
// without zero units. Negative counts print as their absolute value.
func durationText(s int64) string {
	if s < 0 {
		s = -s
	}
	if s < 0 { // math.MinInt64
		return "forever"
	}
	var b strings.Builder
	for _, u := range []struct {
		n    int64
		unit string
	}{{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}} {
		if s >= u.n {
			fmt.Fprintf(&b, "%d%s", s/u.n, u.unit)
			s %= u.n
		}
	}
	if b.Len() == 0 {
		return "0s"
	}
	return b.String()
}

// secondsUp returns d in whole seconds, rounded up.
func secondsUp(d time.Duration) int64 {
	return int64((d + time.Second - 1) / time.Second)
}

// parseMaxAge parses a duration for --max-age: Go's syntax ("90m", "12h",
// "1h30m") and also whole days ("31d"). It must be at least one second.
func parseMaxAge(s string) (time.Duration, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok && days != "" && !strings.ContainsAny(days, "hmsuµn.") {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil || n <= 0 || n > 100*365 {
			return 0, fmt.Errorf("--max-age %s is not a number of days from 1 to 36500", durationArgText(s))
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("--max-age %s is not a duration such as 90m, 12h or 31d", durationArgText(s))
		}
	}
	if d < time.Second {
		return 0, fmt.Errorf("--max-age %s is less than one second", durationArgText(s))
	}
	return d, nil
}
