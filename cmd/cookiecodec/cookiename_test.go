package main

import (
	"testing"

	"github.com/cookiecodec/cookiecodec"
)

// TestCookieNameAgreesWithCodec checks that --name accepts a cookie name
// exactly when the library seals for it, so that no name the library
// allows is refused by the command or the reverse.
func TestCookieNameAgreesWithCodec(t *testing.T) {
	ring, err := cookiecodec.NewKeyring(cookiecodec.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	c, err := cookiecodec.New(ring, cookiecodec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for b := range 256 {
		name := "s" + string([]byte{byte(b)})
		_, sealErr := c.Seal(name, nil)
		if err := checkCookieName(name); (err == nil) != (sealErr == nil) {
			t.Errorf("checkCookieName(%q) = %v, but Codec.Seal err = %v", name, err, sealErr)
		}
	}
}
