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
// whole second, as time.RFC3339Nano prints it. The date comes from the
// Unix seconds by the civil-from-days method of Howard Hinnant's
// "chrono-Compatible Low-Level Date Algorithms", in unsigned arithmetic
// over days counted from 1 March of the year -400 (a multiple of 400
// years before year 0, so that every day in range is positive): t.Date
// and t.Clock together cost five times as much.
func appendRFC3339(dst []byte, t time.Time) []byte {
	const (
		secsPerDay = 86400
		// The days from 1 March -400 to 1 January 1970.
		epochDays   = 719468 + 146097
		daysPer400y = 146097
	)
	// unixYear0 <= t.Unix() makes u positive.
	u := uint64(t.Unix() + epochDays*secsPerDay)
	days, secs := u/secsPerDay, u%secsPerDay
	era, doe := days/daysPer400y, days%daysPer400y // doe: day of the 400 years
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100) // day of the year from 1 March
	mp := (5*doy + 2) / 153                  // month from March, 0 to 11
	d := doy - (153*mp+2)/5 + 1
	mo, y := mp+3, yoe+era*400-400
	if mp >= 10 {
		mo, y = mp-9, y+1
	}
	h, mi, s := secs/3600, secs/60%60, secs%60
	dst = append(dst, digits2[2*(y/100)], digits2[2*(y/100)+1], digits2[2*(y%100)], digits2[2*(y%100)+1], '-',
		digits2[2*mo], digits2[2*mo+1], '-', digits2[2*d], digits2[2*d+1], 'T',
		digits2[2*h], digits2[2*h+1], ':', digits2[2*mi], digits2[2*mi+1], ':',
		digits2[2*s], digits2[2*s+1], '.')
	// All nine digits of the fraction, then its trailing zeros dropped.
	ns := uint32(t.Nanosecond())
	a, b, c, e := ns/1e7, ns/1e5%100, ns/1e3%100, ns/10%100
	dst = append(dst, digits2[2*a], digits2[2*a+1], digits2[2*b], digits2[2*b+1],
		digits2[2*c], digits2[2*c+1], digits2[2*e], digits2[2*e+1], byte('0'+ns%10))
	for dst[len(dst)-1] == '0' {
		dst = dst[:len(dst)-1]
	}
	return append(dst, 'Z')
}

// digits2 holds the two decimal digits of 0 to 99, at twice the number.
const digits2 = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

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
