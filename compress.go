package cookiecodec

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"sync"

	iflate "github.com/cookiecodec/cookiecodec/internal/flate"
)

// Compression (Options.Compress) is DEFLATE, applied before sealing and
// undone only after authentication. See the length side channel in the
// package documentation.

// MaxInflatedSize is the largest payload, in bytes, that a compressed token
// may inflate to: 64 KiB. Seal refuses larger payloads when compressing.
const MaxInflatedSize = 64 << 10

var (
	// deflaters holds compressors, whose state is large, for reuse.
	deflaters = sync.Pool{New: func() any { return iflate.NewCompressor(iflate.BestCompression) }}
	inflaters sync.Pool
)

// deflate appends the DEFLATE form of p, as compress/flate writes it at
// level 9, to dst and reports whether it is shorter than p.
func deflate(dst, p []byte) ([]byte, bool) {
	c := deflaters.Get().(*iflate.Compressor)
	out := c.AppendDeflate(dst, p)
	deflaters.Put(c)
	return out, len(out)-len(dst) < len(p)
}

// inflate appends the inflated form of z to dst, failing beyond
// MaxInflatedSize bytes.
func inflate(dst, z []byte) ([]byte, error) {
	zr := bytes.NewReader(z)
	r, _ := inflaters.Get().(io.ReadCloser)
	if r == nil {
		r = flate.NewReader(zr)
	} else if err := r.(flate.Resetter).Reset(zr, nil); err != nil {
		return nil, err
	}
	defer inflaters.Put(r)
	buf := bytes.NewBuffer(dst)
	n, err := buf.ReadFrom(io.LimitReader(r, MaxInflatedSize+1))
	if err != nil {
		return nil, fmt.Errorf("corrupt compressed payload")
	}
	if n > MaxInflatedSize {
		return nil, fmt.Errorf("payload inflates beyond %d bytes", MaxInflatedSize)
	}
	if zr.Len() != 0 {
		return nil, fmt.Errorf("trailing data after compressed payload")
	}
	return buf.Bytes(), nil
}
