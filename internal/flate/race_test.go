//go:build race

package flate

// raceEnabled is whether the tests run under the race detector, which
// makes compressing megabytes many times slower and has no concurrency
// to watch here.
const raceEnabled = true
