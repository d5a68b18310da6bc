package pipeline

import (
	"testing"
	"time"
)

func TestRequestTime(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	base := time.Date(2026, 11, 22, 20, 16, 33, 0, time.UTC)
	tests := []struct {
		name string
		at   time.Time
		want string
	}{
		{"start of a second", base, "22/Nov/2026:20:16:33 +0000"},
		{"same second, later", base.Add(999 * time.Millisecond), "22/Nov/2026:20:16:33 +0000"},
		{"next second", base.Add(time.Second), "22/Nov/2026:20:16:34 +0000"},
		{"back to an earlier second", base, "22/Nov/2026:20:16:33 +0000"},
		{"another zone is shown in UTC", base.In(paris), "22/Nov/2026:20:16:33 +0000"},
		{"before the epoch", time.Date(1969, 12, 31, 23, 59, 59, 500, time.UTC), "31/Dec/1969:23:59:59 +0000"},
		{"new year", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), "01/Jan/2027:00:00:00 +0000"},
	}
	for _, tt := range tests {
		if got := requestTime(tt.at); got != tt.want {
			t.Errorf("%s: requestTime(%v) = %q, want %q", tt.name, tt.at, got, tt.want)
		}
		if want := tt.at.UTC().Format(clfTime); tt.want != want {
			t.Errorf("%s: the table disagrees with Format: %q", tt.name, want)
		}
	}
}

func BenchmarkRequestTime(b *testing.B) {
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		_ = requestTime(now)
	}
}
