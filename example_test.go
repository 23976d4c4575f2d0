package cookiecodec_test

import (
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// A codec seals bytes into a cookie value and opens them again. In a real
// server the key comes from a file or the environment (see ParseKey), so
// that every server and every restart shares it.
func ExampleCodec_Seal() {
	key := cookiecodec.GenerateKey()
	ring, err := cookiecodec.NewKeyring(key)
	if err != nil {
		log.Fatal(err)
	}
	codec, err := cookiecodec.New(ring, cookiecodec.Options{Encrypt: true})
	if err != nil {
		log.Fatal(err)
	}

	value, err := codec.Seal("session", []byte(`{"user":"Harry"}`))
	if err != nil {
		log.Fatal(err)
	}
	// value goes into Set-Cookie: session=<value>

	payload, info, err := codec.Open("session", value)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s encrypted=%v stale=%v\n", payload, info.Encrypted, info.Stale)
	// Output: {"user":"Harry"} encrypted=true stale=false
}

// Open rejects a value that was changed, sealed for another cookie, or
// sealed with an unknown key with one opaque error, ErrInvalid; the
// wrapped detail is for logs.
func ExampleCodec_Open() {
	codec, err := cookiecodec.New(mustRing(cookiecodec.GenerateKey()), cookiecodec.Options{})
	if err != nil {
		log.Fatal(err)
	}
	value, err := codec.Seal("session", []byte("user=Harry"))
	if err != nil {
		log.Fatal(err)
	}

	_, _, err = codec.Open("csrf", value)
	fmt.Println(errors.Is(err, cookiecodec.ErrInvalid))
	fmt.Println(err)
	// Output:
	// true
	// cookiecodec: invalid cookie: signature does not match: tampered, or made for another name
}

// Rotating keys: a server whose keyring holds the old primary as a
// decode-only key still opens the cookies it sealed, and reports them as
// stale so that the caller re-issues them under the new primary.
func Example_rotation() {
	oldKey := cookiecodec.GenerateKey()
	before, err := cookiecodec.New(mustRing(oldKey), cookiecodec.Options{})
	if err != nil {
		log.Fatal(err)
	}
	value, err := before.Seal("session", []byte("user=Harry"))
	if err != nil {
		log.Fatal(err)
	}

	// Later: a new primary, the old key kept for decoding only.
	newKey := cookiecodec.GenerateKey()
	after, err := cookiecodec.New(mustRing(newKey, oldKey), cookiecodec.Options{})
	if err != nil {
		log.Fatal(err)
	}
	payload, info, err := after.Open("session", value)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s stale=%v old key=%v\n", payload, info.Stale, info.KeyID == oldKey.ID())

	if info.Stale {
		value, err = after.Seal("session", payload) // Set-Cookie again
		if err != nil {
			log.Fatal(err)
		}
	}
	_, info, err = after.Open("session", value)
	fmt.Printf("stale=%v new key=%v err=%v\n", info.Stale, info.KeyID == newKey.ID(), err)
	// Output:
	// user=Harry stale=true old key=true
	// stale=false new key=true err=<nil>
}

// A key's text form is what goes into a key file or an environment
// variable. Printing a Key shows only its id.
func ExampleParseKey() {
	key, err := cookiecodec.ParseKey("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(key)
	fmt.Println(key.ID())

	_, err = cookiecodec.ParseKey("too short")
	fmt.Println(err)
	// Output:
	// cookiecodec.Key(b3608903)
	// b3608903
	// cookiecodec: key is not unpadded base64url text
}

// Encode and Decode carry a Session, a map of typed values. Decoding
// normalises integers to int64; Get reads a value back as the type it was
// stored as.
func ExampleCodec_Encode() {
	codec, err := cookiecodec.New(mustRing(cookiecodec.GenerateKey()), cookiecodec.Options{Encrypt: true})
	if err != nil {
		log.Fatal(err)
	}
	value, err := codec.Encode("session", cookiecodec.Session{
		"client_name": "Harry",
		"visits":      3,
		"cart":        []string{"tea", "scones"},
		"last_seen":   time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC),
	})
	if err != nil {
		log.Fatal(err)
	}

	s, _, err := codec.Decode("session", value)
	if err != nil {
		log.Fatal(err)
	}
	name, _ := cookiecodec.Get[string](s, "client_name")
	visits, _ := cookiecodec.Get[int](s, "visits")
	cart, _ := cookiecodec.Get[[]string](s, "cart")
	lastSeen, _ := cookiecodec.Get[time.Time](s, "last_seen")
	fmt.Println(name, visits, cart, lastSeen.Format(time.RFC3339))
	fmt.Printf("%T %T\n", s["visits"], s["cart"])

	// A value of an unsupported type fails Encode, which names its path.
	_, err = codec.Encode("session", cookiecodec.Session{"cart": []any{1, 2, make(chan int)}})
	fmt.Println(err)
	// Output:
	// Harry 3 [tea scones] 2026-11-28T01:00:00Z
	// int64 []interface {}
	// cookiecodec: session["cart"][2]: unsupported type chan int
}

// Get converts a decoded integer to the Go integer type asked for when the
// value fits, and reports false when it does not or the type differs.
func ExampleGet() {
	s := cookiecodec.Session{"count": int64(300)}
	n, ok := cookiecodec.Get[int](s, "count")
	fmt.Println(n, ok)
	_, ok = cookiecodec.Get[uint8](s, "count") // 300 does not fit
	fmt.Println(ok)
	_, ok = cookiecodec.Get[string](s, "count")
	fmt.Println(ok)
	// Output:
	// 300 true
	// false
	// false
}

func mustRing(primary cookiecodec.Key, others ...cookiecodec.Key) *cookiecodec.Keyring {
	ring, err := cookiecodec.NewKeyring(primary, others...)
	if err != nil {
		log.Fatal(err)
	}
	return ring
}

// A request that only reads a value or two opens the cookie as a View:
// verified and checked as Decode does, but without building the map.
func ExampleCodec_DecodeView() {
	ring, err := cookiecodec.NewKeyring(cookiecodec.GenerateKey())
	if err != nil {
		log.Fatal(err)
	}
	codec, err := cookiecodec.New(ring, cookiecodec.Options{})
	if err != nil {
		log.Fatal(err)
	}
	value, err := codec.Encode("session", cookiecodec.Session{"user_id": 7, "csrf": "q3RkT0l5", "theme": "dark"})
	if err != nil {
		log.Fatal(err)
	}

	v, _, err := codec.DecodeView("session", value)
	if err != nil {
		log.Fatal(err) // tampered, expired, or not a session
	}
	id, _ := cookiecodec.Get[int](v, "user_id")
	csrf, _ := v.Get("csrf")
	fmt.Println(id, csrf, v.Len())
	// Output: 7 q3RkT0l5 3
}

// AppendEncode writes the cookie into a buffer the caller reuses, here
// one per goroutine, so that encoding allocates nothing.
func ExampleCodec_AppendEncode() {
	ring, err := cookiecodec.NewKeyring(cookiecodec.GenerateKey())
	if err != nil {
		log.Fatal(err)
	}
	codec, err := cookiecodec.New(ring, cookiecodec.Options{Encrypt: true})
	if err != nil {
		log.Fatal(err)
	}
	buf := make([]byte, 0, cookiecodec.DefaultMaxLength)
	buf = append(buf, "session="...)
	buf, err = codec.AppendEncode(buf, "session", cookiecodec.Session{"user": "Harry"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(buf) > len("session="), cap(buf) == cookiecodec.DefaultMaxLength)
	// Output: true true
}
