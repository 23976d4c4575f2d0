package cookiecodec

import (
	"errors"
	"fmt"
)

// A KeySource gives a [Codec] its keys. The codec calls Keyring once per
// Seal or Open, so a source can swap keyrings at any time (see
// [FileKeySource]); a plain [*Keyring] is a source that never changes.
//
// Keyring must be safe for concurrent use, cheap, and never return nil.
type KeySource interface {
	Keyring() *Keyring
}

// A Keyring holds one primary key, which seals, and any number of
// decode-only keys, which only open. A decode-only key is either new (rolled
// out to every server before it is promoted) or retired (kept until the
// cookies it sealed have expired).
//
// A Keyring is immutable and safe for concurrent use. Lifecycle steps return
// a new Keyring.
type Keyring struct {
	primary Key
	others  []Key         // decode-only keys, in the order given
	byID    map[KeyID]Key // every key, primary included
}

// ErrDuplicateKeyID is returned when two keys of a keyring have the same
// id, which for distinct secrets is a 1 in 2^32 coincidence: generate
// another key.
var ErrDuplicateKeyID = errors.New("cookiecodec: duplicate key id")

// NewKeyring returns a keyring that seals with primary and opens with
// primary and each of others.
func NewKeyring(primary Key, others ...Key) (*Keyring, error) {
	if primary.IsZero() {
		return nil, errors.New("cookiecodec: keyring needs a primary key")
	}
	r := &Keyring{
		primary: primary,
		others:  append([]Key(nil), others...),
		byID:    make(map[KeyID]Key, 1+len(others)),
	}
	r.byID[primary.ID()] = primary
	for i, k := range others {
		if k.IsZero() {
			return nil, fmt.Errorf("cookiecodec: decode-only key %d is the zero Key", i)
		}
		if _, dup := r.byID[k.ID()]; dup {
			return nil, fmt.Errorf("%w %s", ErrDuplicateKeyID, k.ID())
		}
		r.byID[k.ID()] = k
	}
	return r, nil
}

// Keyring returns r itself, so that a *Keyring is a [KeySource].
func (r *Keyring) Keyring() *Keyring { return r }

// Primary returns the key that seals.
func (r *Keyring) Primary() Key { return r.primary }

// DecodeOnly returns the keys that open but do not seal, in order.
func (r *Keyring) DecodeOnly() []Key { return append([]Key(nil), r.others...) }

// Len returns the number of keys, the primary included.
func (r *Keyring) Len() int { return 1 + len(r.others) }

// Lookup returns the key with the given id, if the keyring holds one.
func (r *Keyring) Lookup(id KeyID) (Key, bool) {
	k, ok := r.byID[id]
	return k, ok
}

// String lists the key ids, the primary first, never the secrets.
func (r *Keyring) String() string {
	s := "cookiecodec.Keyring(primary " + r.primary.ID().String()
	for _, k := range r.others {
		s += ", " + k.ID().String()
	}
	return s + ")"
}
