//go:build !unix

package interop

// processCPU is not measured on this system; the benchmarks then report
// wall time only.
func processCPU() (int64, bool) { return 0, false }
