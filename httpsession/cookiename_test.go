package httpsession

import (
	"testing"

	"github.com/cookiecodec/cookiecodec"
)

// TestCookieNameAgreesWithCodec checks that New accepts a cookie name
// exactly when the codec seals for it: both follow RFC 6265's cookie-name,
// an HTTP token.
func TestCookieNameAgreesWithCodec(t *testing.T) {
	codec := newCodec(t, nil, cookiecodec.Options{})
	for b := range 256 {
		name := "s" + string([]byte{byte(b)})
		_, sealErr := codec.Seal(name, nil)
		_, err := New(codec, Options{CookieName: name})
		if (err == nil) != (sealErr == nil) {
			t.Errorf("New(CookieName %q) err = %v, but Codec.Seal err = %v", name, err, sealErr)
		}
	}
}
