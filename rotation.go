package cookiecodec

import (
	"errors"
	"fmt"
	"os"
	"strings"
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
// cookies it sealed have expired). The codec finds the key of a token by its
// id, so opening costs the same with one key as with many.
//
// A Keyring is immutable and safe for concurrent use. The lifecycle steps
// [Keyring.Add], [Keyring.Promote] and [Keyring.Remove] return a new
// Keyring, in the order the [Key rotation] procedure applies them.
//
// [Key rotation]: https://pkg.go.dev/github.com/cookiecodec/cookiecodec#hdr-Key_rotation
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

// Add returns a keyring that also holds k as a decode-only key, after the
// decode-only keys of r. This is step 1 of the [Key rotation] procedure:
// roll the result out to every server before promoting k.
//
// Add refuses the zero Key and a key whose id r already holds
// ([ErrDuplicateKeyID]).
//
// [Key rotation]: https://pkg.go.dev/github.com/cookiecodec/cookiecodec#hdr-Key_rotation
func (r *Keyring) Add(k Key) (*Keyring, error) {
	if k.IsZero() {
		return nil, errors.New("cookiecodec: cannot add the zero Key")
	}
	if _, dup := r.byID[k.ID()]; dup {
		return nil, fmt.Errorf("%w %s: the keyring already holds it", ErrDuplicateKeyID, k.ID())
	}
	others := make([]Key, 0, len(r.others)+1)
	others = append(append(others, r.others...), k)
	return NewKeyring(r.primary, others...)
}

// Promote returns a keyring whose primary is the decode-only key id, and in
// which the old primary is decode-only, in the place the promoted key had.
// This is step 2 of the [Key rotation] procedure: promote a key only once
// every server holds it, so that servers not yet promoted can open what the
// new primary seals.
//
// Promote refuses an id r does not hold and the id of the current primary.
//
// [Key rotation]: https://pkg.go.dev/github.com/cookiecodec/cookiecodec#hdr-Key_rotation
func (r *Keyring) Promote(id KeyID) (*Keyring, error) {
	if id == r.primary.ID() {
		return nil, errAlreadyPrimary(id)
	}
	i := r.indexOther(id)
	if i < 0 {
		return nil, errUnknownKey(id)
	}
	others := append([]Key(nil), r.others...)
	others[i] = r.primary
	return NewKeyring(r.others[i], others...)
}

// Remove returns a keyring without the decode-only key id. Tokens sealed
// with that key no longer open. This is step 3 of the [Key rotation]
// procedure: remove a retired key once [Options.MaxAge] has passed since it
// was last the primary, so that every token it sealed has expired.
//
// Remove refuses an id r does not hold and the id of the primary: promote
// another key first.
//
// [Key rotation]: https://pkg.go.dev/github.com/cookiecodec/cookiecodec#hdr-Key_rotation
func (r *Keyring) Remove(id KeyID) (*Keyring, error) {
	if id == r.primary.ID() {
		return nil, errRemovePrimary(id)
	}
	i := r.indexOther(id)
	if i < 0 {
		return nil, errUnknownKey(id)
	}
	others := make([]Key, 0, len(r.others)-1)
	others = append(append(others, r.others[:i]...), r.others[i+1:]...)
	return NewKeyring(r.primary, others...)
}

// indexOther returns the index of id among r's decode-only keys, or -1.
func (r *Keyring) indexOther(id KeyID) int {
	for i, k := range r.others {
		if k.ID() == id {
			return i
		}
	}
	return -1
}

// errDuplicate returns an error that reads msg and matches
// [ErrDuplicateKeyID], for messages that place the id mid-sentence.
func errDuplicate(msg string) error { return &markedError{msg, ErrDuplicateKeyID} }

type markedError struct {
	msg    string
	target error
}

func (e *markedError) Error() string { return e.msg }
func (e *markedError) Unwrap() error { return e.target }

func errUnknownKey(id KeyID) error {
	return fmt.Errorf("cookiecodec: no key with id %s", id)
}

func errAlreadyPrimary(id KeyID) error {
	return fmt.Errorf("cookiecodec: key %s is already the primary", id)
}

func errRemovePrimary(id KeyID) error {
	return fmt.Errorf("cookiecodec: key %s is the primary and cannot be removed: promote another key first", id)
}

// Environment variables read by [KeyringFromEnv].
const (
	// EnvKeys holds keys in text form ([Key.ExportSecret]), separated by
	// commas: the first is the primary, the others are decode-only.
	EnvKeys = "COOKIECODEC_KEYS"
	// EnvKeyFile holds the path of a key file (see [KeyFile]).
	EnvKeyFile = "COOKIECODEC_KEY_FILE"
)

// listSpace is the whitespace ParseKeyring ignores around each key.
const listSpace = " \t\r\n"

// maxKeyListLen bounds the text [ParseKeyring] accepts, in bytes: 64 KiB.
const maxKeyListLen = 64 << 10

// ParseKeyring parses keys in text form ([Key.ExportSecret]) separated by
// commas, as in the [EnvKeys] variable: the first key is the primary, the
// others are decode-only, in order. Around each key, spaces, tabs, CRs
// and LFs are ignored (the whitespace of JSON, as between the values of a
// key file); within a key, as in [ParseKey], nothing but base64url is. The error names a faulty key by its position, from 1, and
// never contains s.
func ParseKeyring(s string) (*Keyring, error) {
	r, err := parseKeyList(s)
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: key list: %w", err)
	}
	return r, nil
}

// parseKeyList is ParseKeyring with errors that name no source.
func parseKeyList(s string) (*Keyring, error) {
	if len(s) > maxKeyListLen {
		return nil, fmt.Errorf("%d bytes, more than the %d allowed", len(s), maxKeyListLen)
	}
	parts := strings.Split(s, ",")
	keys := make([]Key, 0, len(parts))
	seen := make(map[KeyID]int, len(parts))
	for i, p := range parts {
		p = strings.Trim(p, listSpace)
		if p == "" {
			if len(parts) == 1 {
				return nil, errors.New("no keys")
			}
			return nil, fmt.Errorf("key %d of %d is empty", i+1, len(parts))
		}
		k, err := ParseKey(p)
		if err != nil {
			return nil, fmt.Errorf("key %d of %d: %s", i+1, len(parts), strings.TrimPrefix(err.Error(), "cookiecodec: "))
		}
		if j, dup := seen[k.ID()]; dup {
			return nil, errDuplicate(fmt.Sprintf("key %d of %d: duplicate key id %s, also key %d", i+1, len(parts), k.ID(), j+1))
		}
		seen[k.ID()] = i
		keys = append(keys, k)
	}
	return NewKeyring(keys[0], keys[1:]...)
}

// KeyringFromEnv returns the keyring configured by the environment: the
// keys in [EnvKeys], parsed by [ParseKeyring], or else the key file named
// by [EnvKeyFile], read by [LoadKeyFile]. Setting both is an error, as is
// setting neither. The error never contains the value of EnvKeys.
//
// The keyring is read once. To follow changes to a key file, use
// [NewFileKeySource].
func KeyringFromEnv() (*Keyring, error) {
	keys, haveKeys := os.LookupEnv(EnvKeys)
	path, haveFile := os.LookupEnv(EnvKeyFile)
	haveKeys = haveKeys && keys != ""
	haveFile = haveFile && path != ""
	switch {
	case haveKeys && haveFile:
		return nil, fmt.Errorf("cookiecodec: both %s and %s are set: set only one", EnvKeys, EnvKeyFile)
	case haveKeys:
		r, err := parseKeyList(keys)
		if err != nil {
			return nil, fmt.Errorf("cookiecodec: %s: %w", EnvKeys, err)
		}
		return r, nil
	case haveFile:
		f, err := LoadKeyFile(path)
		if err != nil {
			return nil, err
		}
		return f.Keyring(), nil
	}
	return nil, fmt.Errorf("cookiecodec: no keys configured: set %s or %s", EnvKeys, EnvKeyFile)
}
