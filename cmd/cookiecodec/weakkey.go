package main

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/cookiecodec/cookiecodec"
)

// This file warns about keys and secrets that are easy to guess. The CLI
// warns and goes on: existing Flask applications run with such secrets, and
// a user debugging one needs the CLI to work with it. The checks are
// heuristics that look for what people write by hand; passing them does
// not make a secret strong (only 32 random bytes are), and a random one
// fails them only by rare chance.

// minFlaskSecret is the shortest Flask secret, in bytes, that passes
// without a warning: 16, the length of os.urandom(16), which Flask's
// documentation once suggested.
const minFlaskSecret = 16

// warnWeakFlaskSecret prints a warning when the Flask secret read from
// line n of the file at path (n 0: from the variable path) is easy to
// guess. The warning says why and how long the secret is, never what it
// is.
func (c *cli) warnWeakFlaskSecret(secret []byte, n int, path string) {
	why := weakFlaskSecret(secret)
	if len(why) == 0 {
		return
	}
	from := path
	if n > 0 {
		from = fmt.Sprintf("line %d of %s", n, pathText(path))
	}
	c.warnf("the Flask secret in %s is weak (%d bytes; %s): anyone who guesses it can forge sessions; use 32 random bytes", from, len(secret), strings.Join(why, ", "))
}

// warnWeakKeys prints a warning for each key of ring whose secret is not
// random bytes, naming the key by its id.
func (c *cli) warnWeakKeys(ring *cookiecodec.Keyring) {
	for _, k := range append([]cookiecodec.Key{ring.Primary()}, ring.DecodeOnly()...) {
		secret, err := base64.RawURLEncoding.DecodeString(k.ExportSecret())
		if err != nil {
			continue // not from ExportSecret; nothing to judge
		}
		if why := weakNativeKey(secret); len(why) > 0 {
			c.warnf("key %s is weak (%d bytes; %s): make keys with 'cookiecodec keygen' or 'cookiecodec keys add'", k.ID(), len(secret), strings.Join(why, ", "))
		}
	}
}

// warnf prints a diagnostic line "cookiecodec: warning: ...".
func (c *cli) warnf(format string, a ...any) {
	fmt.Fprintf(c.stderr, "cookiecodec: warning: "+format+"\n", a...)
}

// weakFlaskSecret returns the reasons why a Flask secret is easy to guess:
// shorter than minFlaskSecret, a repeated pattern, few distinct bytes, only
// digits, or words.
func weakFlaskSecret(s []byte) []string {
	var why []string
	if len(s) < minFlaskSecret {
		why = append(why, fmt.Sprintf("shorter than %d bytes", minFlaskSecret))
	}
	switch p := period(s); {
	case p == 1 && len(s) > 1:
		why = append(why, "one character repeated")
	case p <= len(s)/2:
		why = append(why, fmt.Sprintf("a pattern of %d bytes repeated", p))
	default:
		if d := distinct(s); d < min(8, len(s)/2) {
			why = append(why, fmt.Sprintf("only %d different characters", d))
		}
	}
	switch {
	case isDigits(s):
		why = append(why, "only digits")
	case looksLikeWords(s):
		why = append(why, "made of words")
	}
	return why
}

// weakNativeKey returns the reasons why a native key's secret is not
// random bytes: a repeated pattern, few distinct bytes, or printable text.
// Of random 32-byte secrets, about one in 10^14 is printable ASCII, and
// fewer still fail the other checks.
func weakNativeKey(s []byte) []string {
	var why []string
	if p := period(s); p <= len(s)/2 {
		why = append(why, fmt.Sprintf("a pattern of %d bytes repeated", p))
	} else if d := distinct(s); d < len(s)/2 {
		why = append(why, fmt.Sprintf("only %d different bytes", d))
	}
	printable := true
	for _, b := range s {
		printable = printable && b >= ' ' && b < 0x7f
	}
	if printable {
		why = append(why, "printable text, such as a password, not random bytes")
	}
	return why
}

// period returns the length of the shortest p such that s is a prefix of
// its first p bytes repeated; len(s) when there is none shorter. It runs in
// time linear in len(s), with the failure function of Knuth, Morris and
// Pratt.
func period(s []byte) int {
	if len(s) == 0 {
		return 0
	}
	// fail[i] is the length of the longest proper border of s[:i+1].
	fail := make([]int, len(s))
	for i, k := 1, 0; i < len(s); i++ {
		for k > 0 && s[i] != s[k] {
			k = fail[k-1]
		}
		if s[i] == s[k] {
			k++
		}
		fail[i] = k
	}
	return len(s) - fail[len(s)-1]
}

// distinct counts the different bytes of s.
func distinct(s []byte) int {
	var seen [256]bool
	n := 0
	for _, b := range s {
		if !seen[b] {
			seen[b] = true
			n++
		}
	}
	return n
}

func isDigits(s []byte) bool {
	for _, b := range s {
		if b < '0' || b > '9' {
			return false
		}
	}
	return len(s) > 0
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
