//go:build !unix

package main

import "time"

// processCPU is not reported here; the CPU column prints "–".
func processCPU() (time.Duration, bool) { return 0, false }
