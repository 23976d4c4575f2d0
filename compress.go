package cookiecodec

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"sync"
)

// Compression (Options.Compress) is DEFLATE, applied before sealing and
// undone only after authentication. See the length side channel in the
// package documentation.

// MaxInflatedSize is the largest payload, in bytes, that a compressed token
// may inflate to: 64 KiB. Seal refuses larger payloads when compressing.
const MaxInflatedSize = 64 << 10

var (
	deflaters = sync.Pool{New: func() any {
		w, err := flate.NewWriter(nil, flate.BestCompression)
		if err != nil {
			panic("cookiecodec: internal error: " + err.Error())
		}
		return w
	}}
	inflaters sync.Pool
)

// deflate appends the DEFLATE form of p to dst and reports whether it is
// shorter than p.
func deflate(dst, p []byte) ([]byte, bool) {
	buf := bytes.NewBuffer(dst)
	w := deflaters.Get().(*flate.Writer)
	defer deflaters.Put(w)
	w.Reset(buf)
	if _, err := w.Write(p); err != nil {
		return nil, false
	}
	if err := w.Close(); err != nil {
		return nil, false
	}
	return buf.Bytes(), buf.Len() < len(p)
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
