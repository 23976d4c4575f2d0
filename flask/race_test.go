//go:build race

package flask

// raceEnabled is whether the tests run under the race detector, which makes
// the long randomized checks about 30 times slower.
const raceEnabled = true
