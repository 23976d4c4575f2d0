package cookiecodec_test

import (
	"errors"
	"fmt"
	"log"

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

func mustRing(primary cookiecodec.Key, others ...cookiecodec.Key) *cookiecodec.Keyring {
	ring, err := cookiecodec.NewKeyring(primary, others...)
	if err != nil {
		log.Fatal(err)
	}
	return ring
}
