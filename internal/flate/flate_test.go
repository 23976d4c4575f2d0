package flate

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// stdDeflate returns what compress/flate writes for p at level, in one
// Write and Close, through w if it is not nil (after Reset) or a new
// Writer.
func stdDeflate(tb testing.TB, w *flate.Writer, p []byte, level int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if w == nil {
		var err error
		if w, err = flate.NewWriter(&buf, level); err != nil {
			tb.Fatal(err)
		}
	} else {
		w.Reset(&buf)
	}
	if _, err := w.Write(p); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// stdZlib returns what compress/zlib writes for p at level, in one Write
// and Close.
func stdZlib(tb testing.TB, p []byte, level int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w, err := zlib.NewWriterLevel(&buf, level)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := w.Write(p); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// A namedInput is a payload to compress, named for failure messages.
type namedInput struct {
	name string
	p    []byte
}

// sizes covers the edges of the compressor: below minMatchLength, around
// the lookahead of minMatchLength+maxMatchLength, the block token limit,
// the 32 KiB window and its shift at 2*windowSize-(minMatchLength+
// maxMatchLength), and beyond 64 KiB (cookiecodec.MaxInflatedSize).
var sizes = []int{
	0, 1, 2, 3, 4, 5, 8, 31, 64, 100, 200, 261, 262, 263, 300, 512, 1000,
	2048, 4096, 10000, 16383, 16384, 16385, 32767, 32768, 32769, 40000,
	65274, 65275, 65536, 70000, 100000, 140000,
}

// makeInput returns a payload of n bytes of the given kind from r.
func makeInput(r *rand.Rand, kind string, n int) []byte {
	p := make([]byte, 0, n)
	switch kind {
	case "random":
		for len(p) < n {
			p = binary.LittleEndian.AppendUint64(p, r.Uint64())
		}
	case "zeros":
		p = p[:n]
	case "pattern": // a short period: long matches at a small offset
		period := 1 + r.IntN(12)
		for len(p) < n {
			p = append(p, byte('a'+len(p)%period))
		}
	case "text": // a small alphabet, with a few repeats by chance
		for len(p) < n {
			p = append(p, "etaoin shrdlu"[r.IntN(13)])
		}
	case "json": // session-like JSON, repeating keys and similar values
		keys := []string{"user_id", "csrf", "_fresh", "cart", "theme", "locale", "visits", "roles", "flashes"}
		p = append(p, '{')
		for len(p) < n {
			k := keys[r.IntN(len(keys))]
			p = fmt.Appendf(p, "%q: ", k)
			switch r.IntN(4) {
			case 0:
				p = fmt.Appendf(p, "%d, ", r.IntN(1<<20))
			case 1:
				p = fmt.Appendf(p, "\"%x\", ", r.Uint64())
			case 2:
				p = append(p, "[\"editor\", \"viewer\"], "...)
			default:
				p = append(p, "true, "...)
			}
		}
	case "copies": // random bytes and copies of earlier stretches, near and far
		for len(p) < n {
			if len(p) > 16 && r.IntN(2) == 0 {
				start := r.IntN(len(p) - 8)
				end := min(start+4+r.IntN(300), len(p))
				p = append(p, p[start:end]...)
			} else {
				for range 1 + r.IntN(40) {
					p = append(p, byte(r.Uint32()))
				}
			}
		}
	default:
		panic("unknown input kind " + kind)
	}
	return p[:n]
}

var kinds = []string{"random", "zeros", "pattern", "text", "json", "copies"}

// inputs returns payloads of every kind at every size.
func inputs() []namedInput {
	r := rand.New(rand.NewPCG(1, 2))
	var in []namedInput
	for _, kind := range kinds {
		for _, n := range sizes {
			in = append(in, namedInput{fmt.Sprintf("%s/%d", kind, n), makeInput(r, kind, n)})
		}
	}
	return in
}

func TestAppendDeflate(t *testing.T) {
	levels := []int{2, 3, 4, 5, 6, 7, 8, 9}
	if raceEnabled || testing.Short() {
		levels = []int{2, 6, 9}
	}
	for _, level := range levels {
		c := NewCompressor(level)
		for _, in := range inputs() {
			want := stdDeflate(t, nil, in.p, level)
			if got := c.AppendDeflate(nil, in.p); !bytes.Equal(got, want) {
				t.Errorf("level %d: AppendDeflate(%s) = %d bytes, want compress/flate's %d bytes", level, in.name, len(got), len(want))
			}
		}
	}
}

func TestAppendDeflateKeepsDst(t *testing.T) {
	c := NewCompressor(BestCompression)
	p := []byte(strings.Repeat("cookie ", 50))
	prefix := []byte("prefix")
	dst := append(make([]byte, 0, 4096), prefix...)
	got := c.AppendDeflate(dst, p)
	want := stdDeflate(t, nil, p, BestCompression)
	if !bytes.HasPrefix(got, prefix) || !bytes.Equal(got[len(prefix):], want) {
		t.Errorf("AppendDeflate(%q, p) = %q, want the prefix then compress/flate's %q", prefix, got, want)
	}
	if &got[0] != &dst[:1][0] {
		t.Error("AppendDeflate did not append in dst's spare capacity")
	}
}

// reuseOrder returns indexes into in for a long sequence in random order,
// each input several times, so that each payload follows a variety of
// others of every size.
func reuseOrder(r *rand.Rand, n, rounds int) []int {
	var order []int
	for range rounds {
		order = append(order, r.Perm(n)...)
	}
	return order
}

// TestReuse compresses a long sequence of payloads of mixed kinds and
// sizes, in random order, through one compressor per level, and compares
// each with compress/flate: a stale hash-table entry that an earlier
// payload left and that read as a match candidate would change the
// output. With offsetLimit as in compress/flate the hash tables are never
// cleared in 3 rounds of the inputs (about 13 MiB), and are in 5 (about
// 22 MiB, past the 16 MiB bound); with a limit of a few windows they are
// cleared by reset and rebased within long payloads often. The test checks
// that each case takes the paths it is meant to.
func TestReuse(t *testing.T) {
	in := inputs()
	for _, tc := range []struct {
		name   string
		level  int
		limit  int
		rounds int
	}{
		{"level=6", 6, maxHashOffset, 3},
		{"level=9", 9, maxHashOffset, 3},
		{"level=2", 2, maxHashOffset, 3},
		{"level=6/past16MiB", 6, maxHashOffset, 5},
		{"level=6/limit=3windows", 6, 3 * windowSize, 3},
		{"level=9/limit=5windows", 9, 5 * windowSize, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, uint64(tc.level)))
			c := NewCompressor(tc.level)
			c.d.offsetLimit = tc.limit
			std, err := flate.NewWriter(nil, tc.level)
			if err != nil {
				t.Fatal(err)
			}
			rounds := tc.rounds
			if raceEnabled || testing.Short() {
				if tc.rounds > 3 {
					t.Skip("22 MiB through the compressor: not under -race or -short")
				}
				rounds = 1
			}
			var clears, rebases, advances int
			for _, i := range reuseOrder(r, len(in), rounds) {
				next := c.d.hashOffset + c.d.windowEnd
				clearing := next > c.d.offsetLimit
				got := c.AppendDeflate(nil, in[i].p)
				want := stdDeflate(t, std, in[i].p, tc.level)
				if !bytes.Equal(got, want) {
					t.Fatalf("after %d payloads: AppendDeflate(%s) = %d bytes, want compress/flate's %d bytes", clears+advances, in[i].name, len(got), len(want))
				}
				// The offset each stream starts at, plus the windowSize of
				// each shift, is where it ends unless rebased.
				start := next
				if clearing {
					start = 1
					clears++
				} else {
					advances++
				}
				// One Write fills the 2*windowSize window, then shifts it
				// by windowSize for each further windowSize or part.
				shifts := 0
				if n := len(in[i].p); n > 2*windowSize {
					shifts = (n - 2*windowSize + windowSize - 1) / windowSize
				}
				if c.d.hashOffset != start+shifts*windowSize {
					rebases++
				}
			}
			t.Logf("%d payloads: %d resets advanced the offset, %d cleared the tables, %d streams rebased them", clears+advances, advances, clears, rebases)
			if tc.limit < maxHashOffset && (clears == 0 || rebases == 0) {
				t.Errorf("with offsetLimit %d: %d clears and %d rebases, want both", tc.limit, clears, rebases)
			}
			if tc.limit == maxHashOffset && rounds <= 3 && (clears != 0 || rebases != 0) {
				t.Errorf("with offsetLimit %d: %d clears and %d rebases, want none", tc.limit, clears, rebases)
			}
			if tc.limit == maxHashOffset && rounds > 3 && clears+rebases == 0 {
				t.Errorf("%d rounds of the inputs did not clear or rebase the tables", rounds)
			}
		})
	}
}

func TestAppendZlib(t *testing.T) {
	for _, level := range []int{2, 5, 6, 7, 9} {
		c := NewCompressor(level)
		for _, in := range inputs() {
			if len(in.p) > 20000 {
				continue
			}
			want := stdZlib(t, in.p, level)
			if got := c.AppendZlib([]byte("x"), in.p); !bytes.Equal(got[1:], want) || got[0] != 'x' {
				t.Errorf("level %d: AppendZlib(%s) = %d bytes, want x then compress/zlib's %d bytes", level, in.name, len(got), len(want))
			}
		}
	}
}

func TestNewCompressorPanics(t *testing.T) {
	for _, level := range []int{-2, -1, 0, 1, 10} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewCompressor(%d) did not panic", level)
				}
			}()
			NewCompressor(level)
		}()
	}
}

// fuzzCompressors persist across the fuzzer's calls, so that each input
// meets the state all earlier ones left, as a pooled compressor does. The
// second of each pair clears and rebases its tables every few windows.
// fuzzStd are the compress/flate writers they are compared with, reused
// (Reset makes one equivalent to a new Writer) to save their allocation.
var (
	fuzzCompressors = map[int][2]*Compressor{}
	fuzzStd         = map[int]*flate.Writer{}
)

// FuzzReuse splits its input into payloads and compresses them one after
// the other through shared compressors, comparing each with
// compress/flate. The first byte chooses the level, each payload is
// preceded by its 2-byte little-endian length (capped by what is left),
// and a payload of length 0xffff is doubled to pass the 64 KiB the input
// can hold.
func FuzzReuse(f *testing.F) {
	r := rand.New(rand.NewPCG(5, 6))
	seeds := 0
	for _, level := range []byte{6, 9, 2} {
		for _, kind := range kinds {
			seed := []byte{level}
			for _, n := range []int{0, 300, 40, 3000} {
				seed = binary.LittleEndian.AppendUint16(seed, uint16(n))
				seed = append(seed, makeInput(r, kind, n)...)
			}
			f.Add(seed)
			seeds++
		}
		f.Add(append([]byte{level, 0xff, 0xff}, makeInput(r, "copies", 40000)...))
		seeds++
	}
	if seeds == 0 {
		f.Fatal("empty seed corpus")
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		level := 2 + int(data[0])%8
		data = data[1:]
		pair, ok := fuzzCompressors[level]
		if !ok {
			pair = [2]*Compressor{NewCompressor(level), NewCompressor(level)}
			pair[1].d.offsetLimit = 3 * windowSize
			fuzzCompressors[level] = pair
			std, err := flate.NewWriter(nil, level)
			if err != nil {
				t.Fatal(err)
			}
			fuzzStd[level] = std
		}
		for len(data) >= 2 {
			n := int(binary.LittleEndian.Uint16(data))
			data = data[2:]
			var p []byte
			if n == 0xffff {
				p = append(bytes.Clone(data), data...)
				data = nil
			} else {
				n = min(n, len(data))
				p, data = data[:n], data[n:]
			}
			want := stdDeflate(t, fuzzStd[level], p, level)
			for i, c := range pair {
				if got := c.AppendDeflate(nil, p); !bytes.Equal(got, want) {
					t.Fatalf("compressor %d at level %d: AppendDeflate of %d bytes = %d bytes, want compress/flate's %d bytes", i, level, len(p), len(got), len(want))
				}
			}
		}
	})
}

// BenchmarkAppendDeflate compares a reused Compressor with a reused
// compress/flate Writer on payloads up to the 4 KiB cookie limit.
func BenchmarkAppendDeflate(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, level := range []int{DefaultCompression, BestCompression} {
		for _, n := range []int{64, 512, 4096} {
			p := makeInput(r, "json", n)
			b.Run(fmt.Sprintf("level=%d/size=%d/impl=internal", level, n), func(b *testing.B) {
				c := NewCompressor(level)
				dst := make([]byte, 0, 2*n+64)
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					dst = c.AppendDeflate(dst[:0], p)
				}
			})
			b.Run(fmt.Sprintf("level=%d/size=%d/impl=stdlib", level, n), func(b *testing.B) {
				w, err := flate.NewWriter(nil, level)
				if err != nil {
					b.Fatal(err)
				}
				var buf bytes.Buffer
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					buf.Reset()
					w.Reset(&buf)
					w.Write(p)
					w.Close()
				}
			})
		}
	}
}
