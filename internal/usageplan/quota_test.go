package usageplan

import (
	"strings"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/model"
)

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// 2026-11-22 is a Sunday.
func TestQuotaBounds(t *testing.T) {
	tests := []struct {
		name       string
		period     string
		offset     int
		at         string
		start, end string
	}{
		{"day", "DAY", 0, "2026-11-22T23:59:59Z", "2026-11-22T00:00:00Z", "2026-11-23T00:00:00Z"},
		{"day in another zone is read in UTC", "DAY", 0, "2026-11-22T23:30:00-02:00", "2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z"},
		{"week from Sunday", "WEEK", 0, "2026-11-25T12:00:00Z", "2026-11-22T00:00:00Z", "2026-11-29T00:00:00Z"},
		{"week from Monday, on a Sunday", "WEEK", 1, "2026-11-22T12:00:00Z", "2026-11-16T00:00:00Z", "2026-11-23T00:00:00Z"},
		{"week from Monday, on the Monday", "WEEK", 1, "2026-11-23T00:00:00Z", "2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z"},
		{"week from Saturday", "WEEK", 6, "2026-11-27T08:00:00Z", "2026-11-21T00:00:00Z", "2026-11-28T00:00:00Z"},
		{"month", "MONTH", 0, "2026-11-30T23:00:00Z", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"},
		{"month from the 5th, before it", "MONTH", 4, "2026-11-03T00:00:00Z", "2026-10-05T00:00:00Z", "2026-11-05T00:00:00Z"},
		{"month from the 5th, on it", "MONTH", 4, "2026-11-05T00:00:00Z", "2026-11-05T00:00:00Z", "2026-12-05T00:00:00Z"},
		{"month across the year", "MONTH", 27, "2027-01-10T00:00:00Z", "2026-12-28T00:00:00Z", "2027-01-28T00:00:00Z"},
		{"February", "MONTH", 0, "2028-02-29T12:00:00Z", "2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, ok, err := NewQuota(&model.QuotaSettings{Limit: 10, Period: tc.period, Offset: tc.offset})
			if err != nil || !ok {
				t.Fatal(ok, err)
			}
			s, e := q.Bounds(day(tc.at))
			if !s.Equal(day(tc.start)) || !e.Equal(day(tc.end)) {
				t.Errorf("Bounds(%s) = [%s, %s), want [%s, %s)", tc.at, s, e, tc.start, tc.end)
			}
		})
	}
}

func TestNewQuotaErrors(t *testing.T) {
	tests := []struct {
		name string
		q    model.QuotaSettings
		want string
	}{
		{"period", model.QuotaSettings{Limit: 1, Period: "YEAR"}, `period "YEAR": want DAY, WEEK or MONTH`},
		{"lower-case period", model.QuotaSettings{Limit: 1, Period: "day"}, `period "day"`},
		{"negative limit", model.QuotaSettings{Limit: -1, Period: "DAY"}, "limit -1 must not be negative"},
		{"day offset", model.QuotaSettings{Limit: 1, Period: "DAY", Offset: 1}, "offset 1 is out of range for period DAY (0 to 0 days)"},
		{"week offset", model.QuotaSettings{Limit: 1, Period: "WEEK", Offset: 7}, "(0 to 6 days)"},
		{"month offset", model.QuotaSettings{Limit: 1, Period: "MONTH", Offset: 28}, "(0 to 27 days)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := NewQuota(&tc.q); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if _, ok, err := NewQuota(nil); ok || err != nil {
		t.Errorf("nil quota: %v %v", ok, err)
	}
}

func TestParseUsageRange(t *testing.T) {
	tests := []struct{ start, end, want string }{
		{"2026-11-01", "2026-11-30", ""},
		{"", "2026-11-30", "startDate and endDate are required"},
		{"2026-11-31", "2026-12-01", `startDate "2026-11-31" is not a date`},
		{"2026-11-02", "2026-11-01", "endDate 2026-11-01 is before startDate 2026-11-02"},
		{"2025-01-01", "2026-11-01", "at most 366 per query"},
	}
	for _, tc := range tests {
		_, _, err := ParseUsageRange(tc.start, tc.end)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("ParseUsageRange(%q, %q) = %v, want %q", tc.start, tc.end, err, tc.want)
		}
	}
}
