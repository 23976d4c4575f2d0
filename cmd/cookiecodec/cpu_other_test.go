//go:build !unix

package main

// processCPU is not implemented here; benchmarks report wall time only.
func processCPU() (int64, bool) { return 0, false }
