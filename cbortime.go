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

// Days are counted from 1 March of the year -400 in the arithmetic of
// appendRFC3339 and parseRFC3339: a multiple of 400 years before year 0, so
// that every day in range is positive, and a year that starts after its
// leap day.
const (
	secsPerDay  = 86400
	daysPer400y = 146097
	// epochDays is the days from 1 March -400 to 1 January 1970.
	epochDays = 719468 + daysPer400y
)

// appendRFC3339 appends t, which is in UTC, in years 0 to 9999 (it panics
// on a later year), and not a whole second, as time.RFC3339Nano prints it.
// The date comes from the Unix seconds by the civil-from-days method of
// Howard Hinnant's "chrono-Compatible Low-Level Date Algorithms", in
// unsigned arithmetic: t.Date and t.Clock together cost five times as
// much.
func appendRFC3339(dst []byte, t time.Time) []byte {
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
	if len(s) < fixed+2 || len(s) > rfc3339Len || s[len(s)-1] != 'Z' || s[len(s)-2] == '0' ||
		s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' {
		return time.Time{}, false
	}
	c, ok0 := twoDigits(s, 0)
	yy, ok1 := twoDigits(s, 2)
	mo, ok2 := twoDigits(s, 5)
	d, ok3 := twoDigits(s, 8)
	h, ok4 := twoDigits(s, 11)
	mi, ok5 := twoDigits(s, 14)
	sec, ok6 := twoDigits(s, 17)
	ns := 0
	for i := fixed; i < rfc3339Len-1; i++ {
		ns *= 10 // to nanoseconds past the digits given
		if i < len(s)-1 {
			digit := s[i] - '0'
			if digit > 9 {
				return time.Time{}, false
			}
			ns += int(digit)
		}
	}
	y := 100*c + yy
	// The form is canonical when every field is in range and the fraction
	// has no trailing zero (checked above): then appendRFC3339 writes s
	// back.
	if !(ok0 && ok1 && ok2 && ok3 && ok4 && ok5 && ok6) ||
		mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, y) || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	// Days from civil, the inverse of appendRFC3339's arithmetic: years
	// start on 1 March, counted from the year -400.
	if mo <= 2 {
		y--
	}
	ym := uint64(y + 400)
	era, yoe := ym/400, ym%400
	mp := uint64(mo+9) % 12 // month from March
	doy := (153*mp+2)/5 + uint64(d) - 1
	doe := 365*yoe + yoe/4 - yoe/100 + doy
	days := int64(era*daysPer400y+doe) - epochDays
	unix := days*secsPerDay + int64(3600*h+60*mi+sec)
	return time.Unix(unix, int64(ns)).UTC(), true
}

// twoDigits returns the number written by the two decimal digits at s[i],
// and whether they are digits.
func twoDigits(s string, i int) (int, bool) {
	a, b := s[i]-'0', s[i+1]-'0'
	return 10*int(a) + int(b), a <= 9 && b <= 9
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
