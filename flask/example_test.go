package flask_test

import (
	"fmt"
	"log"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/flask"
)

func Example() {
	// The Flask application's SECRET_KEY, from the environment or a file
	// in real code.
	codec, err := flask.New(flask.Options{SecretKeys: [][]byte{[]byte("the Flask app's SECRET_KEY")}})
	if err != nil {
		log.Fatal(err)
	}
	value, err := codec.Encode("session", cookiecodec.Session{"user": "harry", "visits": 3})
	if err != nil {
		log.Fatal(err)
	}
	s, info, err := codec.Decode("session", value)
	if err != nil {
		log.Fatal(err)
	}
	visits, _ := cookiecodec.Get[int](s, "visits")
	fmt.Println(s["user"], visits, info.Stale)
	// Output: harry 3 false
}

func ExampleCodec_Decode_rotation() {
	oldKey, newKey := []byte("the previous SECRET_KEY"), []byte("the new SECRET_KEY")
	old, _ := flask.New(flask.Options{SecretKeys: [][]byte{oldKey}})
	value, _ := old.Encode("session", cookiecodec.Session{"user": "ron"})

	// The new key signs, the old one still verifies.
	codec, _ := flask.New(flask.Options{SecretKeys: [][]byte{newKey, oldKey}})
	s, info, err := codec.Decode("session", value)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s["user"], info.Stale, info.KeyID == flask.KeyID(oldKey))
	if info.Stale {
		// Re-issue under the new key.
		value, _ = codec.Encode("session", s)
	}
	_, info, _ = codec.Decode("session", value)
	fmt.Println(info.Stale, info.KeyID == flask.KeyID(newKey))
	// Output:
	// ron true true
	// false true
}

func ExampleMarshalTagged() {
	b, err := flask.MarshalTagged(cookiecodec.Session{
		"cart":  flask.Tuple{"apple", 2},
		"token": []byte{0xde, 0xad},
		"seen":  time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC),
		" t":    map[string]any{"name": "Zoë"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(b))
	// Output:
	// {" t":{"name":"Zo\u00eb"},"cart":{" t":["apple",2]},"seen":{" d":"Tue, 04 Mar 2025 05:06:07 GMT"},"token":{" b":"3q0="}}
}

func ExampleUnmarshalTagged() {
	s, err := flask.UnmarshalTagged([]byte(`{" di":{" t__":[1,{" u":"123456789abcdef0123456789abcdef0"}]}}`))
	if err != nil {
		log.Fatal(err)
	}
	l := s[" t"].([]any)
	fmt.Printf("%T %v %v\n", l[0], l[0], l[1])
	// Output: int64 1 12345678-9abc-def0-1234-56789abcdef0
}

func ExampleInspectUnverified() {
	// A cookie set by Flask (SECRET_KEY "the Flask app's SECRET_KEY");
	// no key is needed to read it.
	const value = "eyJ1c2VyIjoiaGFycnkifQ.aVW5AA.cYCMnEux-otWU7JT-ItklcP-pFY"
	fmt.Println(flask.LooksLikeFlask(value))
	u, err := flask.InspectUnverified(value)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.IssuedAt, u.Compressed, string(u.Payload))
	// Output:
	// true
	// 2026-01-01 00:00:00 +0000 UTC false {"user":"harry"}
}
