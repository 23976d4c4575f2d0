package interop

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash"
	"strings"
	"time"
	"unsafe"

	"github.com/cookiecodec/cookiecodec"
	"golang.org/x/crypto/chacha20poly1305"
)

// The floor of BenchmarkSession: the least that encoding or decoding a
// session in cookiecodec's format can cost on this machine, with none of
// its logic. Encode is the cryptography over exactly the bytes a v1 token
// authenticates (label, name, header, the payload already serialized) and
// base64url into one allocation of the output's size. Decode is strict
// base64url, the MAC check or AEAD open, the issue time checked against
// the clock (the format has a decoder enforce max_age, as it has an
// encoder write the time), and the map Decode returns, built from a
// template of the session: the same values freshly boxed, with the strings
// copied out of the payload, but nothing parsed.

// floorSession is the floor of one session, for one goroutine.
type floorSession struct {
	encrypt bool
	mac     hash.Hash
	aead    cipher.AEAD
	payload []byte
	tmpl    []floorEntry
	ad, raw []byte
	sum     [sha256.Size]byte
}

// A floorEntry is one value of the template, with the places of its
// strings in the payload.
type floorEntry struct {
	key   [2]int // offsets of the key in the payload
	value floorValue
}

// A floorValue is a value of the template: a string's offsets, a scalar,
// or the elements of a list or map.
type floorValue struct {
	str    [2]int
	isStr  bool
	scalar any
	list   []floorValue
	m      []floorEntry
	isList bool
	isMap  bool
}

func newFloor(encrypt bool, s cookiecodec.Session) *floorSession {
	p, err := cookiecodec.MarshalSession(s)
	if err != nil {
		panic(err)
	}
	decoded, err := cookiecodec.UnmarshalSession(p)
	if err != nil {
		panic(err)
	}
	f := &floorSession{encrypt: encrypt, payload: p, tmpl: floorMap(string(p), decoded), raw: make([]byte, 0, 8192)}
	if encrypt {
		f.aead, _ = chacha20poly1305.NewX(randomBytes(chacha20poly1305.KeySize))
	} else {
		f.mac = hmac.New(sha256.New, randomBytes(32))
	}
	return f
}

func floorMap(text string, m map[string]any) []floorEntry {
	var es []floorEntry
	for k, v := range m {
		es = append(es, floorEntry{key: place(text, k), value: floorOf(text, v)})
	}
	return es
}

func floorOf(text string, v any) floorValue {
	switch v := v.(type) {
	case string:
		return floorValue{str: place(text, v), isStr: true}
	case []any:
		l := make([]floorValue, len(v))
		for i, x := range v {
			l[i] = floorOf(text, x)
		}
		return floorValue{list: l, isList: true}
	case map[string]any:
		return floorValue{m: floorMap(text, v), isMap: true}
	}
	return floorValue{scalar: v}
}

// place returns where s is in text.
func place(text, s string) [2]int {
	i := strings.Index(text, s)
	if i < 0 {
		panic("floor: string not in payload")
	}
	return [2]int{i, i + len(s)}
}

const floorHeaderSize = 14

func (f *floorSession) header(flags byte, issuedAt int64) []byte {
	raw := append(f.raw[:0], 1, flags)
	raw = binary.BigEndian.AppendUint32(raw, 0x01020304)
	return binary.BigEndian.AppendUint64(raw, uint64(issuedAt))
}

func (f *floorSession) appendAD(name string, h []byte) []byte {
	ad := append(f.ad[:0], "cookiecodec v1\x00"...)
	ad = append(ad, byte(len(name)))
	ad = append(ad, name...)
	f.ad = append(ad, h...)
	return f.ad
}

// Encode seals the template's payload; s is ignored.
func (f *floorSession) Encode(name string, _ cookiecodec.Session) (string, error) {
	return f.sealAt(name, time.Now().Unix()), nil
}

// sealAt seals the template's payload as issued at the Unix time issuedAt.
func (f *floorSession) sealAt(name string, issuedAt int64) string {
	var raw []byte
	if f.encrypt {
		raw = f.header(1, issuedAt)
		ad := f.appendAD(name, raw)
		raw = raw[:floorHeaderSize+chacha20poly1305.NonceSizeX]
		rand.Read(raw[floorHeaderSize:])
		raw = f.aead.Seal(raw, raw[floorHeaderSize:], f.payload, ad)
	} else {
		raw = f.header(0, issuedAt)
		ad := f.appendAD(name, raw)
		f.mac.Reset()
		f.mac.Write(ad)
		f.mac.Write(f.payload)
		raw = append(raw, f.payload...)
		raw = f.mac.Sum(raw)
	}
	f.raw = raw
	out := make([]byte, base64.RawURLEncoding.EncodedLen(len(raw)))
	base64.RawURLEncoding.Encode(out, raw)
	return unsafe.String(unsafe.SliceData(out), len(out))
}

func (f *floorSession) Decode(name, value string) (map[string]any, error) {
	body, err := f.verify(name, value)
	if err != nil {
		return nil, err
	}
	return buildFloor(string(body), f.tmpl), nil
}

// View is the floor of DecodeView and one View.Get: it verifies the cookie,
// copies the payload out as a View does, and boxes the value under key,
// found in the template, with nothing parsed.
func (f *floorSession) View(name, value, key string) (any, error) {
	body, err := f.verify(name, value)
	if err != nil {
		return nil, err
	}
	text := string(body)
	for _, e := range f.tmpl {
		if text[e.key[0]:e.key[1]] == key {
			return e.value.build(text), nil
		}
	}
	return nil, errRawInvalid
}

// verify authenticates a cookie, checks its issue time against the clock,
// and returns its payload.
func (f *floorSession) verify(name, value string) ([]byte, error) {
	raw, err := decodeRaw(&f.raw, value)
	if err != nil || len(raw) < floorHeaderSize+sha256.Size {
		return nil, errRawInvalid
	}
	ad := f.appendAD(name, raw[:floorHeaderSize])
	var body []byte
	if f.encrypt {
		nonce := raw[floorHeaderSize : floorHeaderSize+chacha20poly1305.NonceSizeX]
		body, err = f.aead.Open(raw[floorHeaderSize+chacha20poly1305.NonceSizeX:][:0], nonce, raw[floorHeaderSize+chacha20poly1305.NonceSizeX:], ad)
		if err != nil {
			return nil, errRawInvalid
		}
	} else {
		body = raw[floorHeaderSize : len(raw)-sha256.Size]
		f.mac.Reset()
		f.mac.Write(ad)
		f.mac.Write(body)
		if !hmac.Equal(f.mac.Sum(f.sum[:0]), raw[len(raw)-sha256.Size:]) {
			return nil, errRawInvalid
		}
	}
	iat, now := int64(binary.BigEndian.Uint64(raw[6:floorHeaderSize])), time.Now().Unix()
	if iat < now-int64(cookiecodec.DefaultMaxAge/time.Second) || iat > now+int64(cookiecodec.DefaultSkew/time.Second) {
		return nil, errRawInvalid
	}
	return body, nil
}

func buildFloor(text string, es []floorEntry) map[string]any {
	m := make(map[string]any, len(es))
	for _, e := range es {
		m[text[e.key[0]:e.key[1]]] = e.value.build(text)
	}
	return m
}

func (v floorValue) build(text string) any {
	switch {
	case v.isStr:
		return text[v.str[0]:v.str[1]]
	case v.isList:
		l := make([]any, len(v.list))
		for i, x := range v.list {
			l[i] = x.build(text)
		}
		return l
	case v.isMap:
		return buildFloor(text, v.m)
	}
	return rebox(v.scalar)
}

// rebox returns v in a new interface value, so that the floor pays for
// boxing as a decoder does.
func rebox(v any) any {
	switch v := v.(type) {
	case int64:
		return v + sinkZero
	case uint64:
		return v + uint64(sinkZero)
	case float64:
		return v + float64(sinkZero)
	case time.Time:
		return v.Add(time.Duration(sinkZero))
	case []byte:
		return append([]byte(nil), v...)
	}
	return v // bool and nil box without allocating
}

// sinkZero is zero, but not a constant, so that rebox boxes anew.
var sinkZero int64

// walkSession ranges over every map of m and type-switches every value,
// writing nothing: the least that any serializer of a Go map spends, since
// it cannot avoid iterating the map. The Encode floor leaves serialization
// out; the floor plus this walk is the least an Encode of the session can
// cost. It returns a count, so that the compiler cannot drop the walk.
func walkSession(m map[string]any) int {
	n := 0
	for k, v := range m {
		n += len(k) + walkValue(v)
	}
	return n
}

func walkValue(v any) int {
	switch v := v.(type) {
	case string:
		return len(v)
	case []byte:
		return len(v)
	case nil, bool, int, int64, float64, time.Time:
		return 1
	case map[string]any:
		return walkSession(v)
	case cookiecodec.Session:
		return walkSession(v)
	case []any:
		n := 0
		for _, x := range v {
			n += walkValue(x)
		}
		return n
	}
	return 0
}
