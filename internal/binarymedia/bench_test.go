package binarymedia

import "testing"

// BenchmarkConvert measures base64 both ways over a 1 MiB payload, the
// cost a converted binary adds to a buffered request or response.
func BenchmarkConvert(b *testing.B) {
	raw := make([]byte, 1<<20)
	for i := range raw {
		raw[i] = byte(i * 7)
	}
	enc, _ := Apply(Encode, raw)
	b.Run("encode", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Apply(Encode, raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(enc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Apply(Decode, enc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
