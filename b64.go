package cookiecodec

import "encoding/binary"

// Unpadded base64url (RFC 4648, section 5), as tokens use it: the same
// bytes as base64.RawURLEncoding.Strict(), by tables that turn 12 bits into
// two characters when encoding and look each character up once when
// decoding. Unlike encoding/base64, the decoder rejects CR and LF as it
// rejects every character outside the alphabet.

const b64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

var (
	// b64Pairs holds, for every 12-bit value, its two characters as a
	// big-endian uint16.
	b64Pairs [1 << 12]uint16
	// b64Values holds each character's 6-bit value, or 0xff for a byte
	// outside the alphabet.
	b64Values [256]byte
	// b64Shifted holds, for the i-th character of four, its value shifted
	// into place in the 24 bits that the four decode to, so that the four
	// are four loads ORed together; a byte outside the alphabet has bit 31
	// set, which the ORs carry to the end.
	b64Shifted [4][256]uint32
)

func init() {
	for i := range b64Pairs {
		b64Pairs[i] = uint16(b64Alphabet[i>>6])<<8 | uint16(b64Alphabet[i&63])
	}
	for i := range b64Values {
		b64Values[i] = 0xff
	}
	for i := range len(b64Alphabet) {
		b64Values[b64Alphabet[i]] = byte(i)
	}
	for i := range b64Shifted {
		for c, v := range b64Values {
			if v == 0xff {
				b64Shifted[i][c] = 1 << 31
			} else {
				b64Shifted[i][c] = uint32(v) << (18 - 6*i)
			}
		}
	}
}

// b64EncodedLen returns the length of the base64url form of n bytes.
func b64EncodedLen(n int) int { return n/3*4 + (n%3*8+5)/6 }

// b64DecodedLen returns the most bytes that n characters of base64url
// decode to.
func b64DecodedLen(n int) int { return n/4*3 + n%4*6/8 }

// b64Encode writes the base64url form of src to dst, which must be
// b64EncodedLen(len(src)) bytes long.
func b64Encode(dst, src []byte) {
	// Six bytes at a time, loaded as eight: dst has room for eight
	// characters as long as src has eight bytes left.
	for len(src) >= 8 && len(dst) >= 8 {
		v := binary.BigEndian.Uint64(src)
		binary.BigEndian.PutUint64(dst, uint64(b64Pairs[v>>52])<<48|
			uint64(b64Pairs[v>>40&0xfff])<<32|
			uint64(b64Pairs[v>>28&0xfff])<<16|
			uint64(b64Pairs[v>>16&0xfff]))
		src, dst = src[6:], dst[8:]
	}
	for len(src) >= 3 && len(dst) >= 4 {
		v := uint(src[0])<<16 | uint(src[1])<<8 | uint(src[2])
		binary.BigEndian.PutUint16(dst, b64Pairs[v>>12])
		binary.BigEndian.PutUint16(dst[2:], b64Pairs[v&0xfff])
		src, dst = src[3:], dst[4:]
	}
	switch len(src) {
	case 1:
		v := uint(src[0])
		dst[0], dst[1] = b64Alphabet[v>>2], b64Alphabet[v<<4&63]
	case 2:
		v := uint(src[0])<<8 | uint(src[1])
		dst[0], dst[1], dst[2] = b64Alphabet[v>>10], b64Alphabet[v>>4&63], b64Alphabet[v<<2&63]
	}
}

// b64Decode decodes src into dst, which must be at least
// b64DecodedLen(len(src)) bytes long, and returns the number of bytes
// written. It reports false for a character outside the alphabet, a
// length that no input encodes to, or unused bits that are not zero.
func b64Decode(dst []byte, src string) (int, bool) {
	// Eight characters at a time into six bytes, written as eight: dst
	// has room as long as eight more bytes of it remain. The two groups of
	// four are ORed together and checked once, at the end: a byte outside
	// the alphabet sets bit 31.
	n, bad := 0, uint32(0)
	for len(src) >= 8 && len(dst)-n >= 8 {
		s := src[:8]
		hi := b64Shifted[0][s[0]] | b64Shifted[1][s[1]] | b64Shifted[2][s[2]] | b64Shifted[3][s[3]]
		lo := b64Shifted[0][s[4]] | b64Shifted[1][s[5]] | b64Shifted[2][s[6]] | b64Shifted[3][s[7]]
		bad |= hi | lo
		binary.BigEndian.PutUint64(dst[n:], (uint64(hi)<<24|uint64(lo))<<16)
		src, n = src[8:], n+6
	}
	if bad&(1<<31) != 0 {
		return 0, false
	}
	for len(src) >= 4 {
		a := uint(b64Values[src[0]])
		b := uint(b64Values[src[1]])
		c := uint(b64Values[src[2]])
		d := uint(b64Values[src[3]])
		if (a|b|c|d)&0xc0 != 0 {
			return 0, false
		}
		v := a<<18 | b<<12 | c<<6 | d
		dst[n], dst[n+1], dst[n+2] = byte(v>>16), byte(v>>8), byte(v)
		src, n = src[4:], n+3
	}
	switch len(src) {
	case 1:
		return 0, false
	case 2:
		a, b := uint(b64Values[src[0]]), uint(b64Values[src[1]])
		if (a|b)&0xc0 != 0 || b&0x0f != 0 {
			return 0, false
		}
		dst[n] = byte(a<<2 | b>>4)
		n++
	case 3:
		a, b, c := uint(b64Values[src[0]]), uint(b64Values[src[1]]), uint(b64Values[src[2]])
		if (a|b|c)&0xc0 != 0 || c&0x03 != 0 {
			return 0, false
		}
		v := a<<10 | b<<4 | c>>2
		dst[n], dst[n+1] = byte(v>>8), byte(v)
		n += 2
	}
	return n, true
}
