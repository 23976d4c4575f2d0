package cookiecodec

import "time"

// Times with a fraction of a second travel as RFC 3339 text in UTC, in
// exactly the form time.RFC3339Nano prints: "2006-01-02T15:04:05.999999999Z"
// with the fraction's trailing zeros dropped. These two functions write and
// read that one form directly, without the general layout machinery of
// package time, and agree with it byte for byte (see TestRFC3339).

// rfc3339Len is the longest such text: a four-digit year and nine digits
// of fraction.
const rfc3339Len = len("2006-01-02T15:04:05.999999999Z")

// appendRFC3339 appends t, which is in UTC, in years 0 to 9999, and not a
// whole second, as time.RFC3339Nano prints it.
func appendRFC3339(dst []byte, t time.Time) []byte {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	dst = append(dst,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+mo/10), byte('0'+mo%10), '-',
		byte('0'+d/10), byte('0'+d%10), 'T',
		byte('0'+h/10), byte('0'+h%10), ':',
		byte('0'+mi/10), byte('0'+mi%10), ':',
		byte('0'+s/10), byte('0'+s%10), '.')
	var frac [9]byte
	ns := t.Nanosecond()
	for i := 8; i >= 0; i-- {
		frac[i] = byte('0' + ns%10)
		ns /= 10
	}
	n := 9
	for frac[n-1] == '0' {
		n--
	}
	dst = append(dst, frac[:n]...)
	return append(dst, 'Z')
}

// parseRFC3339 parses s if it is exactly what appendRFC3339 writes for
// some time, which it returns.
func parseRFC3339(s string) (time.Time, bool) {
	// The fixed part, "2006-01-02T15:04:05.", then one to nine digits of
	// fraction and "Z".
	const fixed = len("2006-01-02T15:04:05.")
	if len(s) < fixed+2 || len(s) > rfc3339Len || s[len(s)-1] != 'Z' ||
		s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' {
		return time.Time{}, false
	}
	num := func(from, to int) (int, bool) {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 7)
	d, ok3 := num(8, 10)
	h, ok4 := num(11, 13)
	mi, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	frac, ok7 := num(fixed, len(s)-1)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) {
		return time.Time{}, false
	}
	for range rfc3339Len - len(s) {
		frac *= 10 // to nanoseconds
	}
	// The form is canonical when every field is in range and the fraction
	// has no trailing zero: then appendRFC3339 writes s back.
	if mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, y) || h > 23 || mi > 59 || sec > 59 || s[len(s)-2] == '0' {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, frac, time.UTC), true
}

// daysIn returns the number of days of month mo of year y, proleptic
// Gregorian, as package time counts them.
func daysIn(mo, y int) int {
	switch mo {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
