package main

import (
	"encoding/base64"
	"fmt"
	"math"
	"strings"

	"github.com/cookiecodec/cookiecodec"
)

// Weak secrets are reported, never refused: existing apps use them, and
// the CLI must still read their cookies.

// minFlaskSecret is the shortest Flask secret, in bytes, that goes
// without a warning: 16, the least of Python's secrets.token_bytes.
const minFlaskSecret = 16

// minSecretBits is the least estimated entropy, in bits, of a Flask
// secret that goes without a warning.
const minSecretBits = 80

// flaskSecretWeakness says why a Flask secret looks guessable, or returns
// "". The estimate is the secret's length times the bits of the smallest
// character set that holds it (lowercase, uppercase, digits, punctuation,
// other bytes), which is generous to a passphrase and stingy to nothing
// random: a wordlist finds "mrexamples" and "dev" at once.
func flaskSecretWeakness(secret []byte) string {
	if len(secret) < minFlaskSecret {
		return fmt.Sprintf("it is %d bytes, shorter than %d", len(secret), minFlaskSecret)
	}
	var lower, upper, digit, punct, other bool
	distinct := map[byte]bool{}
	for _, b := range secret {
		distinct[b] = true
		switch {
		case 'a' <= b && b <= 'z':
			lower = true
		case 'A' <= b && b <= 'Z':
			upper = true
		case '0' <= b && b <= '9':
			digit = true
		case b > ' ' && b < 0x7f:
			punct = true
		default:
			other = true
		}
	}
	if len(distinct) < 8 {
		return fmt.Sprintf("it repeats %d characters", len(distinct))
	}
	pool := 0
	for _, c := range []struct {
		has bool
		n   int
	}{{lower, 26}, {upper, 26}, {digit, 10}, {punct, 33}, {other, 161}} {
		if c.has {
			pool += c.n
		}
	}
	if bits := float64(len(secret)) * math.Log2(float64(pool)); bits < minSecretBits {
		return fmt.Sprintf("it holds about %.0f bits of entropy, fewer than %d", bits, minSecretBits)
	}
	// The estimate is generous to words: "you-will-never-guess" counts as
	// 116 bits, and is in the wordlists.
	if looksLikeWords(secret) {
		return "it reads as words, which wordlists and their rules try first"
	}
	return ""
}

// warnFlaskSecret prints a hint for a weak Flask secret found at where.
func (c *cli) warnFlaskSecret(secret []byte, where string) {
	if why := flaskSecretWeakness(secret); why != "" {
		c.hintf("warning: the Flask secret %s is guessable (%s): 'cookiecodec audit' finds such secrets with a wordlist; replace it with 'cookiecodec keygen' or Python's secrets.token_hex(32)", where, why)
	}
}

// minKeyDistinct is the fewest distinct byte values a native key's secret
// may hold without a warning. 32 random bytes hold 30 on average, and
// fewer than 16 with a probability below 2^-40.
const minKeyDistinct = 16

// warnWeakKeys prints a hint for each key of ring whose secret does not
// look random: one written by hand rather than made by keygen.
func (c *cli) warnWeakKeys(ring *cookiecodec.Keyring) {
	for _, k := range append([]cookiecodec.Key{ring.Primary()}, ring.DecodeOnly()...) {
		secret, err := base64.RawURLEncoding.DecodeString(k.ExportSecret())
		if err != nil {
			continue
		}
		distinct := map[byte]bool{}
		for _, b := range secret {
			distinct[b] = true
		}
		if len(distinct) < minKeyDistinct*len(secret)/32 {
			c.hintf("warning: key %s does not look random (its %d bytes hold %d distinct values): make keys with 'cookiecodec keygen' or 'keys add'", k.ID(), len(secret), len(distinct))
		} else if isPrintable(secret) {
			c.hintf("warning: key %s does not look random (its %d bytes are printable text, as a password is): make keys with 'cookiecodec keygen' or 'keys add'", k.ID(), len(secret))
		}
	}
}

// isPrintable reports whether s is all printable ASCII: a passphrase used
// as a key's secret. Of random 32-byte secrets, about one in 10^14 is.
func isPrintable(s []byte) bool {
	for _, b := range s {
		if b < ' ' || b >= 0x7f {
			return false
		}
	}
	return true
}

// looksLikeWords reports whether s reads as ASCII words: letters in words
// split at spaces, '-', '_', '.' and lowercase-to-uppercase steps
// ("SuperSecretKey"), each in one case but for a capital first letter,
// holding a vowel and no more than four
// consonants or three vowels in a row, with at most four digits or
// punctuation marks at the end ("changeme123!"). Random letters rarely pass:
// they hold long runs of consonants.
func looksLikeWords(s []byte) bool {
	end := len(s)
	for end > 0 && len(s)-end < 4 && strings.IndexByte("0123456789!?#@$*", s[end-1]) >= 0 {
		end--
	}
	s = s[:end]
	words := 0
	start := 0
	for i := 0; i <= len(s); i++ {
		split := i == len(s) || strings.IndexByte(" -_.", s[i]) >= 0
		if !split && i > start && isLower(s[i-1]) && isUpper(s[i]) {
			split = true
		}
		if !split {
			if !isLower(s[i]) && !isUpper(s[i]) {
				return false
			}
			continue
		}
		if i > start {
			if !wordLike(s[start:i]) {
				return false
			}
			words++
		}
		start = i
		if i < len(s) && !isLower(s[i]) && !isUpper(s[i]) {
			start = i + 1 // a separator
		}
	}
	return words > 0
}

// wordLike reports whether the letters w could be an English word: in
// lowercase, capitalized or in capitals.
func wordLike(w []byte) bool {
	for i, b := range w[1:] {
		if isUpper(b) != isUpper(w[i]) && (i > 0 || isUpper(b)) {
			return false // a case change after the first letter
		}
	}
	vowels, consonants, hasVowel := 0, 0, false
	for _, b := range w {
		if strings.IndexByte("aeiouyAEIOUY", b) >= 0 {
			vowels, consonants, hasVowel = vowels+1, 0, true
		} else {
			vowels, consonants = 0, consonants+1
		}
		if vowels > 3 || consonants > 4 {
			return false
		}
	}
	return hasVowel
}

func isLower(b byte) bool { return b >= 'a' && b <= 'z' }
func isUpper(b byte) bool { return b >= 'A' && b <= 'Z' }
