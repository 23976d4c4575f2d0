package cookiecodec

import (
	"fmt"
	"strings"
	"unsafe"
)

// A View is a session read in place from the payload of an opened cookie,
// for the requests that only read a value or two (a user id, a CSRF
// token): [Codec.DecodeView] verifies the cookie and validates the whole
// payload as [Codec.Decode] does, but builds no map. [View.Get] finds a
// key by a binary search of the payload's sorted keys and decodes only its
// value. A View holds its own copy of the payload, is immutable and is safe
// for concurrent use. The zero View is an empty session.
type View struct {
	p string // a canonical session payload, validated
	// idx holds where each top-level key's head is in p, as a
	// little-endian uint16 per key in p's order, for the binary search of
	// Get; it is empty for a payload too long for uint16 offsets, which
	// Get then walks.
	idx string
}

// maxIndexed is the longest payload whose key offsets fit in a uint16.
const maxIndexed = 1 << 16

// DecodeView opens a cookie made by [Codec.Encode] for the cookie called
// name and returns a [View] of its session. It accepts and rejects exactly
// the cookies that [Codec.Decode] does, with the same errors; it costs one
// allocation, the copy of the payload with the index of its keys.
func (c *Codec) DecodeView(name, value string) (View, Info, error) {
	p, sc, info, err := c.open(name, value)
	if err != nil {
		return View{}, Info{}, err
	}
	defer putScratch(sc)
	v, idx, err := newView(p, sc.idx[:0])
	sc.idx = idx
	if err != nil {
		return View{}, Info{}, fmt.Errorf("%w: session payload: %v", ErrInvalid, err)
	}
	return v, info, nil
}

// ViewSession returns a [View] of the session p, a payload that
// [MarshalSession] returns, rejecting what [UnmarshalSession] rejects. The
// View keeps its own copy of p.
func ViewSession(p []byte) (View, error) {
	v, _, err := newView(p, nil)
	if err != nil {
		return View{}, fmt.Errorf("cookiecodec: malformed session payload: %w", err)
	}
	return v, nil
}

// newView validates p and returns a View of a copy of it, indexing its
// keys in idx, which it returns for reuse.
func newView(p, idx []byte) (View, []byte, error) {
	d := decoder{p: p, text: unsafe.String(unsafe.SliceData(p), len(p)), check: true, index: len(p) <= maxIndexed, idx: idx}
	if _, err := decodeSession(&d); err != nil {
		return View{}, d.idx, err
	}
	// One allocation holds the payload and its index. A Builder grown
	// once to their length allocates exactly that, without zeroing what
	// the copies overwrite anyway.
	var b strings.Builder
	b.Grow(len(p) + len(d.idx))
	b.Write(p)
	b.Write(d.idx)
	buf := b.String()
	return View{p: buf[:len(p)], idx: buf[len(p):]}, d.idx, nil
}

// Format prints the number of keys, never the payload, whatever the verb:
// an encrypted cookie's plaintext must not reach a log through fmt or
// log/slog (which formats a View with fmt). A View has no exported field,
// so encoding/json writes it as {}.
func (v View) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "cookiecodec.View(%d keys)", v.Len())
}

// decoder returns a decoder positioned after the head of the top-level
// map, and the map's number of entries.
func (v View) decoder() (decoder, int) {
	if v.p == "" {
		return decoder{}, 0
	}
	d := v.at(0)
	_, _, n, _ := d.head() // validated: a map of n entries
	return d, int(n)
}

// Get returns the value stored under key, as [Codec.Decode]'s session
// would hold it, and whether there is one. Strings share the View's memory;
// maps, slices and byte slices are new on every call. For a typed read,
// use the function [Get].
func (v View) Get(key string) (any, bool) {
	if v.idx == "" {
		return v.walk(key)
	}
	// Keys are in canonical order, shorter first and then bytewise,
	// which is lessKey's.
	lo, hi := 0, len(v.idx)/2
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		d := v.at(int(v.idx[2*mid]) | int(v.idx[2*mid+1])<<8)
		switch c := lessKey(d.key(), key); {
		case c == 0:
			return d.validValue(), true
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return nil, false
}

// walk is Get without the index: it reads the keys in order, skipping the
// values of the others.
func (v View) walk(key string) (any, bool) {
	d, n := v.decoder()
	for range n {
		switch c := lessKey(d.key(), key); {
		case c == 0:
			return d.validValue(), true
		case c > 0:
			return nil, false // keys are sorted: key is not further on
		}
		d.skip()
	}
	return nil, false
}

// at returns a decoder of v's payload positioned at off.
func (v View) at(off int) decoder {
	return decoder{p: unsafe.Slice(unsafe.StringData(v.p), len(v.p)), text: v.p, off: off}
}

// key reads a map key of a validated payload.
func (d *decoder) key() string {
	_, _, n, ok := d.shortHead()
	if !ok {
		_, _, n, _ = d.head()
	}
	k := d.text[d.off : d.off+int(n)]
	d.off += int(n)
	return k
}

// validValue decodes a value of a validated payload.
func (d *decoder) validValue() any {
	v, err := d.value(1)
	if err != nil {
		panic("cookiecodec: internal error: a validated payload does not decode: " + err.Error())
	}
	return v
}

// Len returns the number of keys in the session.
func (v View) Len() int {
	_, n := v.decoder()
	return n
}

// Keys returns the session's keys in the order they are encoded: shorter
// first, then bytewise.
func (v View) Keys() []string {
	d, n := v.decoder()
	keys := make([]string, 0, n)
	for range n {
		keys = append(keys, d.key())
		d.skip()
	}
	return keys
}

// Session decodes the whole session, as [Codec.Decode] returns it: a new
// map on every call, which the caller may change.
func (v View) Session() Session {
	if v.p == "" {
		return Session{}
	}
	s, err := decodeSession(&decoder{p: unsafe.Slice(unsafe.StringData(v.p), len(v.p)), text: v.p})
	if err != nil {
		panic("cookiecodec: internal error: a validated payload does not decode: " + err.Error())
	}
	return s
}

// skip moves past one value of a validated payload without decoding it.
func (d *decoder) skip() {
	for pending := 1; pending > 0; pending-- {
		major, info, n, ok := d.shortHead()
		if !ok {
			major, info, n, _ = d.head()
		}
		switch major {
		case majorBytes, majorText:
			d.off += int(n)
		case majorArray:
			pending += int(n)
		case majorMap:
			pending += 2 * int(n)
		case majorTag:
			pending++
		case majorSimple:
			if info >= 25 && info <= 27 {
				d.off += 2 << (info - 25) // a float's bytes
			}
		}
	}
}
