// Package flate is the compressor of the standard library's compress/flate
// (Go 1.26) at levels 2 to 9, trimmed to compress one whole payload into a
// byte slice, and changed so that reusing a compressor costs nothing per
// payload. Its output is byte for byte that of compress/flate at the same
// level, and [Compressor.AppendZlib]'s that of compress/zlib.
//
// compress/flate's (*Writer).Reset clears the compressor's hash tables,
// 512 KiB of hashHead and 128 KiB of hashPrev: about 10 to 17 µs, which
// for a cookie of a few hundred bytes is most of the time spent encoding
// it. This package's reset instead raises the offset that the compressor
// adds to every position it stores, past every value the earlier payloads
// stored, so that they all read as outside the window, exactly as the
// zeroed entries of a fresh compressor do; it clears the tables only when
// the offset would pass the bound compress/flate already keeps it under
// (2^24), that is at most once per 16 MiB of input. The argument that this
// changes no output is at compressor.reset, and the tests check it
// against compress/flate through one reused compressor.
//
// The files deflate.go, huffman_bit_writer.go, huffman_code.go and
// token.go are copied from compress/flate, under the licence in the
// LICENSE file. Besides reset, the changes are:
//   - only the lazy-matching compressor of levels 2 to 9 is kept: no
//     NoCompression, HuffmanOnly or BestSpeed (deflatefast.go), no preset
//     dictionary, no Flush;
//   - output is appended to a byte slice instead of written to an
//     [io.Writer], so nothing can fail and the error plumbing is gone;
//   - the hash-table rebase bound (maxHashOffset) is a field, which tests
//     lower to reach the rebase and the clear in small inputs.
//
// huffman_code.go and token.go are unchanged.
package flate

import (
	"encoding/binary"
	"fmt"
	"hash/adler32"
)

// Compression levels, as in compress/flate.
const (
	// DefaultCompression is level 6, the level compress/zlib and Python's
	// zlib.compress use by default.
	DefaultCompression = 6
	// BestCompression is level 9.
	BestCompression = 9
)

// A Compressor compresses payloads one at a time at a fixed level. It
// holds about 770 KiB of state, which it reuses; keep compressors in a
// [sync.Pool]. A Compressor is not safe for concurrent use.
type Compressor struct {
	d compressor
}

// NewCompressor returns a Compressor at level, from 2 to 9. It panics on
// any other level: levels are constants of the caller.
func NewCompressor(level int) *Compressor {
	if level < 2 || level > 9 {
		panic(fmt.Sprintf("flate: compression level %d not in [2, 9]", level))
	}
	c := new(Compressor)
	c.d.init(level)
	return c
}

// AppendDeflate appends to dst the raw DEFLATE stream (RFC 1951) of p, the
// bytes compress/flate.NewWriter at c's level writes for p in one Write
// followed by Close, and returns the extended slice.
func (c *Compressor) AppendDeflate(dst, p []byte) []byte {
	d := &c.d
	d.reset(dst)
	d.write(p)
	d.close()
	out := d.w.out
	d.w.out = nil // not keeping the caller's buffer
	return out
}

// AppendZlib appends to dst the zlib stream (RFC 1950) of p, the bytes
// compress/zlib.NewWriterLevel at c's level writes for p in one Write
// followed by Close, and returns the extended slice.
func (c *Compressor) AppendZlib(dst, p []byte) []byte {
	h := zlibHeader(c.d.level)
	dst = append(dst, h[:]...)
	dst = c.AppendDeflate(dst, p)
	return binary.BigEndian.AppendUint32(dst, adler32.Checksum(p))
}

// zlibHeader returns the 2-byte zlib header compress/zlib writes at level:
// CMF 0x78 (DEFLATE, 32 KiB window), then FLG with the level class in its
// top two bits, no dictionary, and the check bits that make the pair a
// multiple of 31.
func zlibHeader(level int) [2]byte {
	h := [2]byte{0x78, 0}
	switch level {
	case 2, 3, 4, 5:
		h[1] = 1 << 6
	case 6:
		h[1] = 2 << 6
	default: // 7, 8, 9
		h[1] = 3 << 6
	}
	h[1] += uint8(31 - binary.BigEndian.Uint16(h[:])%31)
	return h
}
