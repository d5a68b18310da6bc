package model

import "crypto/rand"

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// NewID returns a random identifier of n lowercase letters and digits, the
// form API Gateway uses (ten characters for APIs and keys, six for resources,
// deployments and usage plans).
func NewID(n int) string {
	b := make([]byte, n)
	// Since Go 1.24 crypto/rand.Read never returns an error: it aborts the
	// program itself if the system's generator fails.
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}
