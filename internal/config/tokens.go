package config

import (
	"fmt"
	"os"
	"strings"
)

// Resolve returns the token's secret: Token itself, or the trimmed content
// of TokenFile, read now so that a rotated file is picked up on restart.
// Errors name the file, never its content.
func (t AdminToken) Resolve() (Secret, error) {
	if t.TokenFile == "" {
		if t.Token == "" {
			return "", fmt.Errorf("admin token %q: neither token nor tokenFile is set", t.Name)
		}
		return t.Token, nil
	}
	b, err := os.ReadFile(t.TokenFile)
	if err != nil {
		return "", fmt.Errorf("admin token %q: %w", t.Name, err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", fmt.Errorf("admin token %q: %s is empty", t.Name, t.TokenFile)
	}
	if strings.ContainsAny(s, "\r\n") {
		return "", fmt.Errorf("admin token %q: %s holds more than one line", t.Name, t.TokenFile)
	}
	return Secret(s), nil
}
