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

// 2026-11-22 is a Sunday; 2026-11-29 the next one.
func TestQuotaBounds(t *testing.T) {
	tests := []struct {
		name       string
		period     string
		at         string
		start, end string
	}{
		{"day", "DAY", "2026-11-22T23:59:59Z", "2026-11-22T00:00:00Z", "2026-11-23T00:00:00Z"},
		{"day at midnight", "DAY", "2026-11-23T00:00:00Z", "2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z"},
		{"day in another zone is read in UTC", "DAY", "2026-11-22T23:30:00-02:00", "2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z"},
		{"week from Sunday", "WEEK", "2026-11-25T12:00:00Z", "2026-11-22T00:00:00Z", "2026-11-29T00:00:00Z"},
		{"week on its Sunday", "WEEK", "2026-11-22T00:00:00Z", "2026-11-22T00:00:00Z", "2026-11-29T00:00:00Z"},
		{"week's last second", "WEEK", "2026-11-28T23:59:59Z", "2026-11-22T00:00:00Z", "2026-11-29T00:00:00Z"},
		{"week across a month", "WEEK", "2026-12-02T08:00:00Z", "2026-11-29T00:00:00Z", "2026-12-06T00:00:00Z"},
		{"week across the year", "WEEK", "2027-01-01T08:00:00Z", "2026-12-27T00:00:00Z", "2027-01-03T00:00:00Z"},
		{"month", "MONTH", "2026-11-30T23:00:00Z", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"},
		{"month on its 1st", "MONTH", "2026-12-01T00:00:00Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"},
		{"month across the year", "MONTH", "2026-12-31T23:59:59Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"},
		{"February of a leap year", "MONTH", "2028-02-29T12:00:00Z", "2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, ok, err := NewQuota(&model.UsagePlan{Quota: &model.QuotaSettings{Limit: 10, Period: tc.period}})
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

// TestQuotaLimitAt: the offset comes off the limit in the period that
// holds the quota's start and in no other, on either side of a month's
// and a week's boundary.
func TestQuotaLimitAt(t *testing.T) {
	tests := []struct {
		name          string
		period        string
		limit, offset int
		start         string // ferryQuotaStart
		at            string
		want          int64
	}{
		{"month: initial period", "MONTH", 1000, 400, "2026-11-17T09:30:00Z", "2026-11-30T23:59:59Z", 600},
		{"month: initial period before the start", "MONTH", 1000, 400, "2026-11-17T09:30:00Z", "2026-11-01T00:00:00Z", 600},
		{"month: the next month", "MONTH", 1000, 400, "2026-11-17T09:30:00Z", "2026-12-01T00:00:00Z", 1000},
		{"month: a year later, same month", "MONTH", 1000, 400, "2026-11-17T09:30:00Z", "2027-11-17T09:30:00Z", 1000},
		{"month: the month before", "MONTH", 1000, 400, "2026-11-17T09:30:00Z", "2026-10-31T23:59:59Z", 1000},
		{"month: started on the last second", "MONTH", 10, 3, "2026-11-30T23:59:59Z", "2026-11-30T23:59:59Z", 7},
		{"month: a second later", "MONTH", 10, 3, "2026-11-30T23:59:59Z", "2026-12-01T00:00:00Z", 10},
		{"week: initial period, Wednesday", "WEEK", 50, 20, "2026-11-25T12:00:00Z", "2026-11-28T23:59:59Z", 30},
		{"week: the next Sunday", "WEEK", 50, 20, "2026-11-25T12:00:00Z", "2026-11-29T00:00:00Z", 50},
		{"week: started on a Saturday, the Sunday after", "WEEK", 50, 20, "2026-11-28T22:00:00Z", "2026-11-29T01:00:00Z", 50},
		{"week: initial week spans two months", "WEEK", 50, 20, "2026-11-30T08:00:00Z", "2026-12-05T08:00:00Z", 30},
		{"day: initial day", "DAY", 5, 2, "2026-11-22T10:00:00Z", "2026-11-22T23:00:00Z", 3},
		{"day: the next day", "DAY", 5, 2, "2026-11-22T10:00:00Z", "2026-11-23T00:00:00Z", 5},
		{"offset equal to the limit", "DAY", 5, 5, "2026-11-22T10:00:00Z", "2026-11-22T11:00:00Z", 0},
		{"no offset", "MONTH", 1000, 0, "2026-11-17T09:30:00Z", "2026-11-20T00:00:00Z", 1000},
		{"start with a zone and fraction", "DAY", 5, 2, "2026-11-23T01:00:00.5+02:00", "2026-11-22T23:30:00Z", 3},
		// Stored before ferry recorded a start: an offset in days, even one
		// above the limit, is kept and ignored.
		{"legacy offset, no start", "MONTH", 10, 27, "", "2026-11-20T00:00:00Z", 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, ok, err := NewQuota(&model.UsagePlan{QuotaStart: tc.start,
				Quota: &model.QuotaSettings{Limit: tc.limit, Period: tc.period, Offset: tc.offset}})
			if err != nil || !ok {
				t.Fatal(ok, err)
			}
			if got := q.LimitAt(day(tc.at)); got != tc.want {
				t.Errorf("LimitAt(%s) = %d, want %d", tc.at, got, tc.want)
			}
		})
	}
}

func TestCheckQuota(t *testing.T) {
	tests := []struct {
		name string
		q    model.QuotaSettings
		want string // "" when valid
	}{
		{"offset 0", model.QuotaSettings{Limit: 10, Period: "WEEK"}, ""},
		{"offset below the limit", model.QuotaSettings{Limit: 10, Period: "MONTH", Offset: 9}, ""},
		{"offset equal to the limit", model.QuotaSettings{Limit: 10, Period: "DAY", Offset: 10}, ""},
		{"offset of a month's days on a day", model.QuotaSettings{Limit: 100, Period: "DAY", Offset: 27}, ""},
		{"period", model.QuotaSettings{Limit: 1, Period: "YEAR"}, `period "YEAR": want DAY, WEEK or MONTH`},
		{"lower-case period", model.QuotaSettings{Limit: 1, Period: "day"}, `period "day"`},
		{"negative limit", model.QuotaSettings{Limit: -1, Period: "DAY"}, "limit -1 must not be negative"},
		{"offset above the limit", model.QuotaSettings{Limit: 10, Period: "MONTH", Offset: 11}, "offset 11 is out of range"},
		{"negative offset", model.QuotaSettings{Limit: 10, Period: "WEEK", Offset: -1}, "offset -1 is out of range"},
		{"offset on a zero limit", model.QuotaSettings{Limit: 0, Period: "DAY", Offset: 1}, "from 0 to the limit 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckQuota(&tc.q)
			if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if err := CheckQuota(nil); err != nil {
		t.Errorf("nil quota: %v", err)
	}
}

func TestNewQuotaErrors(t *testing.T) {
	tests := []struct {
		name string
		p    model.UsagePlan
		want string
	}{
		{"period", model.UsagePlan{Quota: &model.QuotaSettings{Limit: 1, Period: "YEAR"}}, `period "YEAR"`},
		{"negative limit", model.UsagePlan{Quota: &model.QuotaSettings{Limit: -1, Period: "DAY"}}, "limit -1"},
		{"offset above the limit with a start", model.UsagePlan{QuotaStart: "2026-11-22T00:00:00Z",
			Quota: &model.QuotaSettings{Limit: 1, Period: "DAY", Offset: 2}}, "offset 2 is out of range"},
		{"bad start", model.UsagePlan{QuotaStart: "yesterday",
			Quota: &model.QuotaSettings{Limit: 5, Period: "DAY", Offset: 2}}, `ferryQuotaStart "yesterday" is not an RFC 3339 time`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := NewQuota(&tc.p); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if _, ok, err := NewQuota(&model.UsagePlan{}); ok || err != nil {
		t.Errorf("no quota: %v %v", ok, err)
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
