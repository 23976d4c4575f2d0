package cookiecodec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// The decoder of the session payload: strict, accepting only what the
// encoder of cbor.go writes, byte for byte. See SPEC.md, "Decoding rules".

// decoder reads a canonical session payload. text is the payload as a
// string, so that decoded strings share one allocation. With check set, it
// only validates: every rule is applied, but no value is built and value
// returns nil.
type decoder struct {
	p     []byte
	text  string
	off   int
	check bool
	// owed is the fewest bytes that the items the enclosing containers
	// declared, and that have not begun, still need: 1 per array item and
	// 2 per map entry. A count is checked against the bytes left minus
	// owed, so that nested containers cannot each count the same bytes,
	// and what the decoder allocates for the items it has been promised
	// stays within a constant of the payload's length.
	owed int
	// With index set, mapBody appends the offset of each top-level key's
	// head to idx, as a little-endian uint16: the index of a View.
	index bool
	idx   []byte
}

var errTruncated = errors.New("truncated")

// shortHead reads an initial byte that carries its own argument (a short
// string, a small integer, a short map or array): most heads of a session.
// It is small enough to be inlined where head is called for every value,
// and reports false, reading nothing, for any other byte; head reads those.
func (d *decoder) shortHead() (major byte, info byte, n uint64, ok bool) {
	if d.off < len(d.p) {
		if b := d.p[d.off]; b&0x1f < 24 && b < majorSimple {
			d.off++
			return b & 0xe0, b & 0x1f, uint64(b & 0x1f), true
		}
	}
	return 0, 0, 0, false
}

// head reads an initial byte and its argument, rejecting indefinite
// lengths, reserved values and arguments not in shortest form. Simple
// values and floats carry no length argument: for them n is 0.
func (d *decoder) head() (major byte, info byte, n uint64, err error) {
	if d.off >= len(d.p) {
		return 0, 0, 0, errTruncated
	}
	b := d.p[d.off]
	d.off++
	major, info = b&0xe0, b&0x1f
	if major == majorSimple {
		return major, info, 0, nil
	}
	var size int
	switch {
	case info < 24:
		return major, info, uint64(info), nil
	case info == 24:
		size = 1
	case info == 25:
		size = 2
	case info == 26:
		size = 4
	case info == 27:
		size = 8
	case info == 31:
		return 0, 0, 0, fmt.Errorf("indefinite length at offset %d", d.off-1)
	default:
		return 0, 0, 0, fmt.Errorf("reserved additional information %d at offset %d", info, d.off-1)
	}
	if len(d.p)-d.off < size {
		return 0, 0, 0, errTruncated
	}
	var min uint64
	switch size {
	case 1:
		n, min = uint64(d.p[d.off]), 24
	case 2:
		n, min = uint64(binary.BigEndian.Uint16(d.p[d.off:])), 1<<8
	case 4:
		n, min = uint64(binary.BigEndian.Uint32(d.p[d.off:])), 1<<16
	case 8:
		n, min = binary.BigEndian.Uint64(d.p[d.off:]), 1<<32
	}
	if n < min {
		return 0, 0, 0, fmt.Errorf("argument %d not in shortest form at offset %d", n, d.off-1)
	}
	d.off += size
	return major, info, n, nil
}

// length checks that n items of at least itemSize bytes each fit in the
// rest of the input, less what the enclosing containers are owed, before
// anything is allocated for them.
func (d *decoder) length(n uint64, itemSize int) (int, error) {
	// avail is negative when a head took bytes owed to later items (a
	// map key's head is owed only 1 byte, say): the payload is truncated.
	avail := len(d.p) - d.off - d.owed
	if avail < 0 || n > uint64(avail)/uint64(itemSize) {
		return 0, errTruncated
	}
	return int(n), nil
}

func (d *decoder) textString(n uint64) (string, error) {
	l, err := d.length(n, 1)
	if err != nil {
		return "", err
	}
	s := d.text[d.off : d.off+l]
	if !d.shortASCII(l) && !validText(s) {
		return "", fmt.Errorf("text at offset %d is not valid UTF-8", d.off)
	}
	d.off += l
	return s, nil
}

// shortASCII reports whether the l bytes at d.off are at most 16, all
// ASCII, and within a payload of at least eight bytes from d.off: the
// common map key or short string, checked by one or two word loads rather
// than a byte at a time. False means only that validText must decide. It
// reads the payload as bytes, not as d.text: binary.LittleEndian's loads
// keep it small enough to inline.
func (d *decoder) shortASCII(l int) bool {
	if l > 16 || len(d.p)-d.off < 8 {
		return false
	}
	p := d.p[d.off:]
	w := binary.LittleEndian.Uint64(p)
	if l <= 8 {
		// The shift is 64 - 8*l masked to six bits, which spares the
		// compiler's check for a count of 64 or more: l == 0 keeps the
		// whole word, which may fail the check but never wrongly passes.
		w &= ^uint64(0) >> ((64 - 8*l) & 63)
	} else {
		// The last eight of the l bytes, which length has checked are
		// in the payload; they overlap the first word.
		w |= binary.LittleEndian.Uint64(p[l-8:])
	}
	return w&hi8 == 0
}

func (d *decoder) mapBody(n uint64, depth int) (map[string]any, error) {
	if depth > MaxSessionDepth {
		return nil, fmt.Errorf("nested deeper than %d", MaxSessionDepth)
	}
	l, err := d.length(n, 2)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if !d.check {
		m = make(map[string]any, l)
	}
	d.owed += 2 * l
	if d.index && depth == 1 {
		d.idx = slices.Grow(d.idx, 2*l)
	}
	prev := ""
	for i := range l {
		d.owed -= 2
		// Errors give the key's offset, not the key: the payload is
		// plaintext, which an error must not carry into a log.
		start := d.off
		if d.index && depth == 1 {
			d.idx = append(d.idx, byte(start), byte(start>>8))
		}
		major, _, kn, ok := d.shortHead()
		if !ok {
			if major, _, kn, err = d.head(); err != nil {
				return nil, err
			}
		}
		if major != majorText {
			return nil, fmt.Errorf("map key at offset %d is not a text string", start)
		}
		k, err := d.textString(kn)
		if err != nil {
			return nil, err
		}
		if i > 0 && !keyBefore(prev, k) {
			return nil, fmt.Errorf("map key at offset %d out of order or repeated", start)
		}
		prev = k
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		if !d.check {
			m[k] = v
		}
	}
	return m, nil
}

// value reads one value inside a map or array at depth.
func (d *decoder) value(depth int) (any, error) {
	start := d.off
	major, info, n, ok := d.shortHead()
	if !ok {
		var err error
		if major, info, n, err = d.head(); err != nil {
			return nil, err
		}
	}
	switch major {
	case majorUint:
		if d.check {
			return nil, nil
		}
		if n > math.MaxInt64 {
			return n, nil
		}
		return int64(n), nil
	case majorNegInt:
		if n > math.MaxInt64 {
			return nil, fmt.Errorf("negative integer at offset %d below the int64 range", start)
		}
		if d.check {
			return nil, nil
		}
		return -1 - int64(n), nil
	case majorBytes:
		l, err := d.length(n, 1)
		if err != nil {
			return nil, err
		}
		if d.check {
			d.off += l
			return nil, nil
		}
		b := make([]byte, l)
		copy(b, d.p[d.off:])
		d.off += l
		return b, nil
	case majorText:
		s, err := d.textString(n)
		if err != nil || d.check {
			return nil, err
		}
		return s, nil
	case majorArray:
		if depth+1 > MaxSessionDepth {
			return nil, fmt.Errorf("nested deeper than %d", MaxSessionDepth)
		}
		l, err := d.length(n, 1)
		if err != nil {
			return nil, err
		}
		if d.check {
			d.owed += l
			for range l {
				d.owed--
				if _, err := d.value(depth + 1); err != nil {
					return nil, err
				}
			}
			return nil, nil
		}
		a := make([]any, l)
		d.owed += l
		for i := range a {
			d.owed--
			if a[i], err = d.value(depth + 1); err != nil {
				return nil, err
			}
		}
		return a, nil
	case majorMap:
		m, err := d.mapBody(n, depth+1)
		if err != nil || d.check {
			return nil, err
		}
		return m, nil
	case majorTag:
		t, err := d.time(n, start)
		if err != nil || d.check {
			return nil, err
		}
		return t, nil
	}
	switch d.p[start] {
	case cborFalse:
		return false, nil
	case cborTrue:
		return true, nil
	case cborNull:
		return nil, nil
	case cborF16, cborF32, cborF64:
		size := 2 << (info - 25)
		if len(d.p)-d.off < size {
			return nil, errTruncated
		}
		var f float64
		switch size {
		case 2:
			f = fromHalf(binary.BigEndian.Uint16(d.p[d.off:]))
		case 4:
			f = float64(math.Float32frombits(binary.BigEndian.Uint32(d.p[d.off:])))
		case 8:
			f = math.Float64frombits(binary.BigEndian.Uint64(d.p[d.off:]))
		}
		d.off += size
		var buf [9]byte
		if string(appendFloat(buf[:0], f)) != string(d.p[start:d.off]) {
			return nil, fmt.Errorf("float at offset %d not in shortest form", start)
		}
		if d.check {
			return nil, nil
		}
		return f, nil
	}
	return nil, fmt.Errorf("simple value %#02x at offset %d not allowed", d.p[start], start)
}

// time reads the content of tag n, the only tags allowed being 0 and 1 in
// the form appendTime writes.
func (d *decoder) time(n uint64, start int) (time.Time, error) {
	// The error is built only on failure: formatting it costs as much as
	// decoding the time.
	bad := func() error {
		return fmt.Errorf("tag %d at offset %d not in the form cookiecodec writes", n, start)
	}
	major, _, arg, err := d.head()
	if err != nil {
		return time.Time{}, err
	}
	switch {
	case n == tagEpoch && major == majorUint && arg <= math.MaxInt64:
		return time.Unix(int64(arg), 0).UTC(), nil
	case n == tagEpoch && major == majorNegInt && arg <= math.MaxInt64:
		return time.Unix(-1-int64(arg), 0).UTC(), nil
	case n == tagRFC3339 && major == majorText:
		s, err := d.textString(arg)
		if err != nil {
			return time.Time{}, err
		}
		t, ok := parseRFC3339(s)
		if !ok {
			return time.Time{}, bad()
		}
		return t, nil
	}
	return time.Time{}, bad()
}
