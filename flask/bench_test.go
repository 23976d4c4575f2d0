package flask

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cookiecodec/cookiecodec"
)

// benchSession returns a session whose tagged JSON is about n bytes of
// text that compresses poorly, like the tokens and ids sessions hold.
func benchSession(n int) cookiecodec.Session {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	rng := rand.New(rand.NewPCG(1, 2))
	s := cookiecodec.Session{"user_id": 12345, "admin": false}
	for i := 0; n > 40; i++ {
		l := min(n-20, 64)
		b := make([]byte, l)
		for j := range b {
			b[j] = alphabet[rng.IntN(len(alphabet))]
		}
		s[fmt.Sprintf("k%03d", i)] = string(b)
		n -= l + 10
	}
	return s
}

var benchSizes = []int{64, 512, 1024, 2048, 2900}

func BenchmarkEncode(b *testing.B) {
	for _, size := range benchSizes {
		s := benchSession(size)
		p, _ := MarshalTagged(s)
		b.Run(fmt.Sprintf("%dB", len(p)), func(b *testing.B) {
			c := newTestCodec(b, Options{})
			b.SetBytes(int64(len(p)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Encode("session", s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, size := range benchSizes {
		s := benchSession(size)
		p, _ := MarshalTagged(s)
		b.Run(fmt.Sprintf("%dB", len(p)), func(b *testing.B) {
			c := newTestCodec(b, Options{})
			v, err := c.Encode("session", s)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(p)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := c.Decode("session", v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeFallback measures a cookie signed with the last of
// several secrets, which Decode reaches after trying the others.
func BenchmarkDecodeFallback(b *testing.B) {
	keys := [][]byte{[]byte("k1"), []byte("k2"), []byte("k3"), []byte("k4")}
	old := newTestCodec(b, Options{SecretKeys: keys[3:]})
	c := newTestCodec(b, Options{SecretKeys: keys})
	v, _ := old.Encode("session", benchSession(512))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.Decode("session", v); err != nil {
			b.Fatal(err)
		}
	}
}
