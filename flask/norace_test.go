//go:build !race

package flask

const raceEnabled = false
