package gorilla_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/gorilla"
)

// A cookie that gorilla/securecookie made with
// securecookie.New(hashKey, nil).Encode("session", map[string]interface{}{"user": "Harry", "id": 42}).
const gorillaCookie = "MTc5NjE1NTg5N3xEdi1GQkFFQ180WUFBUXdCRUFBQUpQLUdBQUlFZFhObGNnWnpkSEpwYm1jTUJ3QUZTR0Z5Y25rQ2FXUURhVzUwQkFJQVZBPT18lJNfMJxh8A4WW_e4GXYqCLejVpWdyH5twt6fRJliH7o="

func Example() {
	hashKey := []byte("hash key one: 32 bytes long ....")
	dec, err := gorilla.New(gorilla.Options{
		Keys: []gorilla.KeyPair{{HashKey: hashKey}},
		// The example's cookie was made on 2026-12-01; a real decoder
		// keeps securecookie's 30 days.
		MaxAge: 100 * 365 * 24 * time.Hour,
	})
	if err != nil {
		panic(err)
	}
	s, info, err := dec.Decode("session", gorillaCookie)
	if err != nil {
		panic(err)
	}
	user, _ := cookiecodec.Get[string](s, "user")
	id, _ := cookiecodec.Get[int](s, "id")
	fmt.Println(user, id, info.IssuedAt.Format(time.DateOnly), info.Encrypted)

	// The cookie name is part of the MAC.
	_, _, err = dec.Decode("other", gorillaCookie)
	fmt.Println(errors.Is(err, cookiecodec.ErrInvalid), err)
	// Output:
	// Harry 42 2026-12-01 false
	// true cookiecodec: invalid cookie: MAC does not match
}
