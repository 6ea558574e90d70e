package controllers

import (
	"math/rand/v2"
	"time"
)

// jitter spreads d by ±10 %, so Accounts created together do not poll together.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return d
	}
	spread := int64(d) / 5
	return d - time.Duration(spread/2) + time.Duration(rand.Int64N(spread+1))
}
