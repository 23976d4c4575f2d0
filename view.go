package cookiecodec

import (
	"fmt"
	"unsafe"
)

// A View is a session read in place from the payload of an opened cookie,
// for the requests that only read a value or two (a user id, a CSRF
// token): [Codec.DecodeView] verifies the cookie and validates the whole
// payload as [Codec.Decode] does, but builds no map. [View.Get] finds a
// key by walking the payload's sorted keys and decodes only its value. A
// View holds its own copy of the payload, is immutable and is safe for
// concurrent use. The zero View is an empty session.
type View struct {
	p string // a canonical session payload, validated
}

// DecodeView opens a cookie made by [Codec.Encode] for the cookie called
// name and returns a [View] of its session. It accepts and rejects exactly
// the cookies that [Codec.Decode] does, with the same errors; it costs one
// allocation, the copy of the payload.
func (c *Codec) DecodeView(name, value string) (View, Info, error) {
	p, sc, info, err := c.open(name, value)
	if err != nil {
		return View{}, Info{}, err
	}
	defer putScratch(sc)
	d := decoder{p: p, text: unsafe.String(unsafe.SliceData(p), len(p)), check: true}
	if _, err := decodeSession(&d); err != nil {
		return View{}, Info{}, fmt.Errorf("%w: session payload: %v", ErrInvalid, err)
	}
	return View{p: string(p)}, info, nil
}

// ViewSession returns a [View] of the session p, a payload that
// [MarshalSession] returns, rejecting what [UnmarshalSession] rejects. The
// View keeps its own copy of p.
func ViewSession(p []byte) (View, error) {
	d := decoder{p: p, text: unsafe.String(unsafe.SliceData(p), len(p)), check: true}
	if _, err := decodeSession(&d); err != nil {
		return View{}, fmt.Errorf("cookiecodec: malformed session payload: %w", err)
	}
	return View{p: string(p)}, nil
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
	d := decoder{p: unsafe.Slice(unsafe.StringData(v.p), len(v.p)), text: v.p}
	_, _, n, _ := d.head() // validated: a map of n entries
	return d, int(n)
}

// Get returns the value stored under key, as [Codec.Decode]'s session
// would hold it, and whether there is one. Strings share the View's memory;
// maps, slices and byte slices are new on every call. For a typed read,
// use the function [Get].
func (v View) Get(key string) (any, bool) {
	d, n := v.decoder()
	for range n {
		_, _, kn, ok := d.shortHead()
		if !ok {
			_, _, kn, _ = d.head()
		}
		k := v.p[d.off : d.off+int(kn)]
		d.off += int(kn)
		switch c := lessKey(k, key); {
		case c == 0:
			val, err := d.value(1)
			if err != nil {
				panic("cookiecodec: internal error: a validated payload does not decode: " + err.Error())
			}
			return val, true
		case c > 0:
			return nil, false // keys are sorted: key is not further on
		}
		d.skip()
	}
	return nil, false
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
		_, _, kn, _ := d.head()
		keys = append(keys, v.p[d.off:d.off+int(kn)])
		d.off += int(kn)
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
