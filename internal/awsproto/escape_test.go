package awsproto

import "testing"

// TestEscapeSegment pins the escaping AWS's canonical request uses, which
// differs from net/url's for "+", "=", "@", "!", "$" and friends.
func TestEscapeSegment(t *testing.T) {
	for in, want := range map[string]string{
		"plain-file_1.txt~":   "plain-file_1.txt~",
		"a b":                 "a%20b",
		"q1+q2=3@x!$&'()*,;:": "q1%2Bq2%3D3%40x%21%24%26%27%28%29%2A%2C%3B%3A",
		"é":                   "%C3%A9",
		"%41":                 "%2541",
	} {
		if got := escapeSegment(in); got != want {
			t.Errorf("escapeSegment(%q) = %q, want %q", in, got, want)
		}
	}
}
