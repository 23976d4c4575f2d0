package cookiecodec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// KeyFileVersion is the version of the key file format that
// [KeyFile.Marshal] writes; [ParseKeyFile] reads it and every older one.
// Version 2 adds the time a key was demoted; a version 2 file records it
// for every key that was demoted, so a key without one never was the
// primary. Programs built with releases that read only version 1 reject a
// version 2 file: upgrade every program that reads a key file before
// writing one with this release. See SPEC.md, "Key files".
const KeyFileVersion = 2

// maxKeyFileSize is the largest key file, in bytes, that [ParseKeyFile]
// reads: 1 MiB.
const maxKeyFileSize = 1 << 20

// A KeyStatus says what a key of a [KeyFile] is used for.
type KeyStatus string

// The statuses of a key in a key file.
const (
	// StatusPrimary marks the one key that seals.
	StatusPrimary KeyStatus = "primary"
	// StatusDecodeOnly marks a key that only opens: new, not yet promoted,
	// or retired, kept until the tokens it sealed have expired.
	StatusDecodeOnly KeyStatus = "decode-only"
)

// A KeyEntry is one key of a [KeyFile].
type KeyEntry struct {
	Key     Key       // the key; it prints its id, never its secret
	Status  KeyStatus // StatusPrimary or StatusDecodeOnly
	Created time.Time // when the key was made, to the second, in UTC

	// Demoted is when a decode-only key stopped being the primary, to the
	// second, in UTC, or a time no earlier than that: tokens it sealed
	// stay valid until Demoted plus the codec's MaxAge. It is zero for the
	// primary and for a key that never was the primary. [LoadKeyFile] sets
	// it, for every decode-only key of a version 1 file, which does not
	// record it, to the file's modification time.
	Demoted time.Time
}

// A KeyFile is the content of a key file: a list of keys, each with its
// status and creation time, exactly one of them primary. It is what the
// cookiecodec command's "keys" commands edit, and what [LoadKeyFile],
// [SaveKeyFile] and [CreateKeyFile] read and write.
//
// The file is JSON:
//
//	{
//	  "version": 2,
//	  "keys": [
//	    {
//	      "id": "1a2b3c4d",
//	      "status": "primary",
//	      "created": "2026-11-28T01:00:00Z",
//	      "secret": "…43 characters of base64url…"
//	    },
//	    {
//	      "id": "5e6f7a8b",
//	      "status": "decode-only",
//	      "created": "2026-10-01T09:00:00Z",
//	      "demoted": "2026-11-28T01:05:00Z",
//	      "secret": "…"
//	    }
//	  ]
//	}
//
// Like a [Keyring], a KeyFile is immutable and safe for concurrent use; the
// lifecycle steps [KeyFile.Add], [KeyFile.Promote] and [KeyFile.Remove]
// return a new KeyFile, to be saved and rolled out in the order of the
// [Key rotation] procedure. A *KeyFile is a [KeySource] that never changes;
// [FileKeySource] follows a key file as it changes.
//
// [Key rotation]: https://pkg.go.dev/github.com/cookiecodec/cookiecodec#hdr-Key_rotation
type KeyFile struct {
	entries []KeyEntry
	ring    *Keyring
}

// NewKeyFile returns a KeyFile holding entries, in order. Exactly one entry
// must be [StatusPrimary] and the others [StatusDecodeOnly]; keys must be
// non-zero with distinct ids, creation times non-zero, and the primary
// must have no demotion time. Times are kept to the second, in UTC; a
// demotion time is rounded up, so that it stays no earlier than the
// demotion.
func NewKeyFile(entries ...KeyEntry) (*KeyFile, error) {
	f, err := newKeyFile(entries)
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: key file: %w", err)
	}
	return f, nil
}

func newKeyFile(entries []KeyEntry) (*KeyFile, error) {
	if len(entries) == 0 {
		return nil, errors.New("no keys")
	}
	f := &KeyFile{entries: make([]KeyEntry, len(entries))}
	seen := make(map[KeyID]int, len(entries))
	primary := -1
	for i, e := range entries {
		if e.Key.IsZero() {
			return nil, fmt.Errorf("key %d: the zero Key", i+1)
		}
		id := e.Key.ID()
		switch e.Status {
		case StatusPrimary:
			if primary >= 0 {
				return nil, fmt.Errorf("key %d (id %s): second primary key, after key %d", i+1, id, primary+1)
			}
			primary = i
		case StatusDecodeOnly:
		default:
			return nil, fmt.Errorf("key %d (id %s): status is neither %q nor %q", i+1, id, StatusPrimary, StatusDecodeOnly)
		}
		if e.Created.IsZero() {
			return nil, fmt.Errorf("key %d (id %s): no creation time", i+1, id)
		}
		if e.Status == StatusPrimary && !e.Demoted.IsZero() {
			return nil, fmt.Errorf("key %d (id %s): the primary has a demotion time", i+1, id)
		}
		if j, dup := seen[id]; dup {
			return nil, errDuplicate(fmt.Sprintf("key %d (id %s): duplicate id, also key %d", i+1, id, j+1))
		}
		seen[id] = i
		e.Created = e.Created.UTC().Truncate(time.Second)
		if !e.Demoted.IsZero() {
			e.Demoted = ceilSecond(e.Demoted.UTC())
		}
		f.entries[i] = e
	}
	if primary < 0 {
		return nil, errors.New("no primary key")
	}
	others := make([]Key, 0, len(entries)-1)
	for i, e := range f.entries {
		if i != primary {
			others = append(others, e.Key)
		}
	}
	ring, err := NewKeyring(f.entries[primary].Key, others...)
	if err != nil {
		// Every condition NewKeyring checks was checked above.
		panic("cookiecodec: internal error: " + err.Error())
	}
	f.ring = ring
	return f, nil
}

// Entries returns the keys of f, in the order of the file.
func (f *KeyFile) Entries() []KeyEntry { return append([]KeyEntry(nil), f.entries...) }

// Keyring returns the keyring of f: its primary key, and its decode-only
// keys in the order of the file. It returns the same *Keyring every time,
// so that a *KeyFile is a [KeySource].
func (f *KeyFile) Keyring() *Keyring { return f.ring }

// String lists the key ids and statuses, never the secrets.
func (f *KeyFile) String() string {
	var b strings.Builder
	b.WriteString("cookiecodec.KeyFile(")
	for i, e := range f.entries {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.Key.ID().String() + " " + string(e.Status))
	}
	b.WriteString(")")
	return b.String()
}

// Add returns a KeyFile that also holds k, as a decode-only key made at
// created, after the other keys. It is [Keyring.Add] on a key file, and
// refuses what that refuses.
func (f *KeyFile) Add(k Key, created time.Time) (*KeyFile, error) {
	if k.IsZero() {
		return nil, errors.New("cookiecodec: cannot add the zero Key")
	}
	if _, dup := f.ring.byID[k.ID()]; dup {
		return nil, fmt.Errorf("%w %s: the key file already holds it", ErrDuplicateKeyID, k.ID())
	}
	if created.IsZero() {
		return nil, errors.New("cookiecodec: key file: no creation time")
	}
	entries := append(f.Entries(), KeyEntry{Key: k, Status: StatusDecodeOnly, Created: created})
	return NewKeyFile(entries...)
}

// Promote returns a KeyFile in which the decode-only key id is the primary
// and the old primary is decode-only, demoted at the time demoted (see
// [KeyEntry.Demoted]). It is [Keyring.Promote] on a key file, and refuses
// what that refuses.
func (f *KeyFile) Promote(id KeyID, demoted time.Time) (*KeyFile, error) {
	if id == f.ring.primary.ID() {
		return nil, errAlreadyPrimary(id)
	}
	i := f.index(id)
	if i < 0 {
		return nil, errUnknownKey(id)
	}
	if demoted.IsZero() {
		return nil, errors.New("cookiecodec: key file: no demotion time")
	}
	entries := f.Entries()
	for j := range entries {
		if entries[j].Status == StatusPrimary {
			entries[j].Status = StatusDecodeOnly
			entries[j].Demoted = demoted
		}
	}
	entries[i].Status = StatusPrimary
	entries[i].Demoted = time.Time{}
	return NewKeyFile(entries...)
}

// Remove returns a KeyFile without the decode-only key id. It is
// [Keyring.Remove] on a key file, and refuses what that refuses: the
// primary, and ids f does not hold.
func (f *KeyFile) Remove(id KeyID) (*KeyFile, error) {
	if id == f.ring.primary.ID() {
		return nil, errRemovePrimary(id)
	}
	i := f.index(id)
	if i < 0 {
		return nil, errUnknownKey(id)
	}
	entries := append(f.Entries()[:i], f.entries[i+1:]...)
	return NewKeyFile(entries...)
}

func (f *KeyFile) index(id KeyID) int {
	for i, e := range f.entries {
		if e.Key.ID() == id {
			return i
		}
	}
	return -1
}

type keyFileJSON struct {
	Version int            `json:"version"`
	Keys    []keyEntryJSON `json:"keys"`
}

type keyEntryJSON struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Created string `json:"created"`
	Demoted string `json:"demoted,omitempty"`
	Secret  string `json:"secret"`
}

// Marshal returns the key file as indented JSON ending in a newline, of
// version [KeyFileVersion]. The result
// holds every secret of f: write it only to a file of mode 0600, as
// [SaveKeyFile] does.
func (f *KeyFile) Marshal() []byte {
	v := keyFileJSON{Version: KeyFileVersion, Keys: make([]keyEntryJSON, len(f.entries))}
	for i, e := range f.entries {
		v.Keys[i] = keyEntryJSON{
			ID:      e.Key.ID().String(),
			Status:  string(e.Status),
			Created: e.Created.Format(time.RFC3339),
			Secret:  e.Key.ExportSecret(),
		}
		if !e.Demoted.IsZero() {
			v.Keys[i].Demoted = e.Demoted.Format(time.RFC3339)
		}
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic("cookiecodec: internal error: " + err.Error())
	}
	return append(b, '\n')
}

// ParseKeyFile parses the content of a key file of any version up to
// [KeyFileVersion], strictly: unknown or repeated fields, a field of a
// later version than the file's, trailing data, an unknown version, a
// missing or second primary, an unknown status, a secret shorter than
// [MinKeySize] bytes, an id that does not match its secret, a demotion
// time on the primary, and duplicate ids are each an error that names the
// key by its position, from 1, and its id. Errors never contain a secret.
// The keys of a version 1 file have no demotion time; [LoadKeyFile] gives
// them one.
func ParseKeyFile(data []byte) (*KeyFile, error) {
	f, _, err := parseKeyFile(data)
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: key file: %w", err)
	}
	return f, nil
}

// parseKeyFile parses a key file and returns its version too.
func parseKeyFile(data []byte) (*KeyFile, int, error) {
	if len(data) > maxKeyFileSize {
		return nil, 0, fmt.Errorf("%d bytes, more than the %d allowed", len(data), maxKeyFileSize)
	}
	r := &jsonReader{dec: json.NewDecoder(bytes.NewReader(data))}
	r.dec.UseNumber()
	var entries []KeyEntry
	version := 0
	err := r.object("the file", []jsonField{
		{name: "version", read: func() error {
			t, err := r.token()
			if err != nil {
				return err
			}
			n, ok := t.(json.Number)
			switch {
			case !ok:
				return errors.New("version is not a number")
			case n == "1":
				version = 1
			case n == "2":
				version = 2
			case len(n) > 10:
				return errors.New("unsupported version")
			default:
				return fmt.Errorf("unsupported version %s, want 1 to %d", n, KeyFileVersion)
			}
			return nil
		}},
		{name: "keys", read: func() error {
			if err := r.delim('[', "keys is not an array"); err != nil {
				return err
			}
			for r.dec.More() {
				e, err := r.entry(len(entries) + 1)
				if err != nil {
					return err
				}
				entries = append(entries, e)
			}
			_, err := r.token()
			return err
		}},
	})
	if err != nil {
		return nil, 0, err
	}
	if _, err := r.dec.Token(); err != io.EOF {
		return nil, 0, errors.New("trailing data after the JSON object")
	}
	if version == 1 {
		for i, e := range entries {
			if !e.Demoted.IsZero() {
				return nil, 0, fmt.Errorf("key %d (id %s): demoted is a field of version 2, and the file is version 1", i+1, e.Key.ID())
			}
		}
	}
	f, err := newKeyFile(entries)
	return f, version, err
}

// entry reads key n of a key file.
func (r *jsonReader) entry(n int) (KeyEntry, error) {
	var id, status, created, demoted, secret string
	what := fmt.Sprintf("key %d", n)
	err := r.object(what, []jsonField{
		{"id", func() error { return r.str(&id, what+": id is not a string") }, false},
		{"status", func() error { return r.str(&status, what+": status is not a string") }, false},
		{"created", func() error { return r.str(&created, what+": created is not a string") }, false},
		{"demoted", func() error { return r.str(&demoted, what+": demoted is not a string") }, true},
		{"secret", func() error { return r.str(&secret, what+": secret is not a string") }, false},
	})
	if err != nil {
		return KeyEntry{}, err
	}
	wantID, err := ParseKeyID(id)
	if err != nil || strings.ToLower(id) != id {
		return KeyEntry{}, fmt.Errorf("%s: id is not 8 lowercase hexadecimal digits", what)
	}
	what = fmt.Sprintf("key %d (id %s)", n, wantID)
	e := KeyEntry{Status: KeyStatus(status)}
	if e.Status != StatusPrimary && e.Status != StatusDecodeOnly {
		return KeyEntry{}, fmt.Errorf("%s: status is neither %q nor %q", what, StatusPrimary, StatusDecodeOnly)
	}
	if e.Created, err = time.Parse(time.RFC3339, created); err != nil {
		return KeyEntry{}, fmt.Errorf("%s: created is not an RFC 3339 time", what)
	}
	if demoted != "" {
		if e.Demoted, err = time.Parse(time.RFC3339, demoted); err != nil || e.Demoted.IsZero() {
			return KeyEntry{}, fmt.Errorf("%s: demoted is not an RFC 3339 time", what)
		}
	}
	if e.Key, err = ParseKey(secret); err != nil {
		// ParseKey's errors never contain the text.
		return KeyEntry{}, fmt.Errorf("%s: secret: %s", what, strings.TrimPrefix(err.Error(), "cookiecodec: "))
	}
	if got := e.Key.ID(); got != wantID {
		return KeyEntry{}, fmt.Errorf("%s: id does not match the secret, whose id is %s", what, got)
	}
	return e, nil
}

// A jsonReader reads JSON of a fixed shape token by token, so that it can
// reject repeated fields and report errors without quoting the input.
type jsonReader struct {
	dec *json.Decoder
}

type jsonField struct {
	name     string
	read     func() error // reads the field's value
	optional bool
}

func (r *jsonReader) token() (json.Token, error) {
	t, err := r.dec.Token()
	if err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return nil, fmt.Errorf("invalid JSON at byte %d", se.Offset)
		case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
			return nil, errors.New("invalid JSON: unexpected end")
		}
		return nil, errors.New("invalid JSON")
	}
	return t, nil
}

func (r *jsonReader) delim(d json.Delim, msg string) error {
	t, err := r.token()
	if err != nil {
		return err
	}
	if t != d {
		return errors.New(msg)
	}
	return nil
}

func (r *jsonReader) str(dst *string, msg string) error {
	t, err := r.token()
	if err != nil {
		return err
	}
	s, ok := t.(string)
	if !ok {
		return errors.New(msg)
	}
	*dst = s
	return nil
}

// object reads an object with exactly the given fields, each once, in any
// order. Field names are matched exactly, not ignoring case as
// encoding/json does.
func (r *jsonReader) object(what string, fields []jsonField) error {
	if err := r.delim('{', what+" is not a JSON object"); err != nil {
		return err
	}
	seen := make([]bool, len(fields))
	for r.dec.More() {
		t, err := r.token()
		if err != nil {
			return err
		}
		name, _ := t.(string) // object keys are strings
		i := 0
		for i < len(fields) && fields[i].name != name {
			i++
		}
		switch {
		case i == len(fields):
			return fmt.Errorf("%s has an unknown field %s", what, quoteField(name))
		case seen[i]:
			return fmt.Errorf("%s has the field %q twice", what, name)
		}
		seen[i] = true
		if err := fields[i].read(); err != nil {
			return err
		}
	}
	if _, err := r.token(); err != nil {
		return err
	}
	for i, f := range fields {
		if !seen[i] && !f.optional {
			return fmt.Errorf("%s has no field %q", what, f.name)
		}
	}
	return nil
}

// quoteField quotes an unknown field name if it is short enough not to be
// a misplaced secret.
func quoteField(name string) string {
	if len(name) > 16 {
		return fmt.Sprintf("of %d bytes", len(name))
	}
	return fmt.Sprintf("%q", name)
}

// ceilSecond rounds t up to a whole second.
func ceilSecond(t time.Time) time.Time {
	if u := t.Truncate(time.Second); !u.Equal(t) {
		return u.Add(time.Second)
	}
	return t
}
