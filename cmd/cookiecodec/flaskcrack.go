package main

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/cookiecodec/cookiecodec"
)

// A flaskTarget is a Flask cookie whose secret audit looks for. Flask
// (itsdangerous, key derivation "hmac") signs payload "." timestamp with
// HMAC-SHA1 under the key HMAC-SHA1(secret, salt), so trying a candidate
// costs two HMAC-SHA1s. A worker computes them on SHA-1 directly, with
// buffers that already hold the salt, the signed text and the padding,
// so that a candidate allocates nothing.
type flaskTarget struct {
	msg  []byte // payload "." timestamp, what the signature covers
	salt []byte
	sig  [sha1.Size]byte
}

// newFlaskTarget parses the parts of a Flask cookie that audit needs.
func newFlaskTarget(value, salt string) (*flaskTarget, error) {
	i := strings.LastIndexByte(value, '.')
	if i < 0 || len(value)-i-1 != 27 {
		return nil, fmt.Errorf("%w: not a Flask cookie: want payload.timestamp.signature with a 27-character signature", cookiecodec.ErrInvalid)
	}
	t := &flaskTarget{msg: []byte(value[:i]), salt: []byte(salt)}
	n, err := base64.RawURLEncoding.Strict().Decode(t.sig[:], []byte(value[i+1:]))
	if err != nil || n != sha1.Size {
		return nil, fmt.Errorf("%w: the signature is not canonical base64url", cookiecodec.ErrInvalid)
	}
	return t, nil
}

const (
	ipad = 0x36
	opad = 0x5c
)

// A crackWorker tries candidates on one target; it is not safe for
// concurrent use.
type crackWorker struct {
	t *flaskTarget
	// deriveIn is (key ^ ipad) || salt and deriveOut (key ^ opad) ||
	// inner hash, for HMAC-SHA1(candidate, salt); signIn and signOut are
	// the same for HMAC-SHA1(derived, msg). The first 64 bytes of each
	// change per candidate; the rest is set once.
	deriveIn, deriveOut, signIn, signOut []byte
	keyLen                               int // bytes of the last key block that were not zero
}

func (t *flaskTarget) newWorker() *crackWorker {
	w := &crackWorker{
		t:         t,
		deriveIn:  append(make([]byte, 64, 64+len(t.salt)), t.salt...),
		deriveOut: make([]byte, 64+sha1.Size),
		signIn:    append(make([]byte, 64, 64+len(t.msg)), t.msg...),
		signOut:   make([]byte, 64+sha1.Size),
	}
	for i := range 64 {
		w.deriveIn[i], w.deriveOut[i] = ipad, opad
		w.signIn[i], w.signOut[i] = ipad, opad
	}
	return w
}

// try reports whether secret signed the target.
func (w *crackWorker) try(secret []byte) bool {
	key := secret
	var hashed [sha1.Size]byte
	if len(key) > 64 {
		hashed = sha1.Sum(key)
		key = hashed[:]
	}
	// Reset the bytes the last key set beyond this one, then set this one.
	for i := len(key); i < w.keyLen; i++ {
		w.deriveIn[i], w.deriveOut[i] = ipad, opad
	}
	for i, b := range key {
		w.deriveIn[i], w.deriveOut[i] = b^ipad, b^opad
	}
	w.keyLen = len(key)
	inner := sha1.Sum(w.deriveIn)
	copy(w.deriveOut[64:], inner[:])
	derived := sha1.Sum(w.deriveOut)

	// derived is 20 bytes: the other 44 bytes of its key block stay pads.
	for i, b := range derived {
		w.signIn[i], w.signOut[i] = b^ipad, b^opad
	}
	inner = sha1.Sum(w.signIn)
	copy(w.signOut[64:], inner[:])
	return sha1.Sum(w.signOut) == w.t.sig
}
