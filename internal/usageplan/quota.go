package usageplan

import (
	"fmt"
	"time"

	"github.com/ferrygw/ferry/internal/model"
)

// Quota periods, as API Gateway names them.
const (
	PeriodDay   = "DAY"
	PeriodWeek  = "WEEK"
	PeriodMonth = "MONTH"
)

// Quota is a plan's checked quota, ready to count against.
//
// Periods are calendar periods in UTC: a DAY from 00:00, a WEEK from
// Sunday 00:00, a MONTH from the 1st. Weeks start on Sunday because ferry
// has always counted them so: a plan stored before offsets meant requests
// keeps the same period boundaries, so the requests its keys have spent
// this week stay counted under the same period. (API Gateway does not
// document its week boundary.)
type Quota struct {
	// Limit is the number of requests allowed per period.
	Limit int64
	// Period is DAY, WEEK or MONTH.
	Period string
	// Offset is taken off Limit in the initial period, the one that
	// contains Start; 0 when Start is unknown.
	Offset int64
	// Start is when the quota came into effect; zero when unknown.
	Start time.Time
}

// CheckQuota checks quota settings as a client sends them: limit at least
// 0, a period API Gateway knows, and an offset from 0 to limit. An offset
// equal to the limit is allowed on purpose: it leaves the initial period
// with no requests at all, which is what a plan that starts mid-period
// needs when its keys already spent that period's budget elsewhere.
func CheckQuota(q *model.QuotaSettings) error {
	if q == nil {
		return nil
	}
	if err := checkPeriod(q); err != nil {
		return err
	}
	if q.Offset < 0 || q.Offset > q.Limit {
		return fmt.Errorf("quota: offset %d is out of range: it is the number of requests taken off the limit in the first period, from 0 to the limit %d", q.Offset, q.Limit)
	}
	return nil
}

func checkPeriod(q *model.QuotaSettings) error {
	if q.Limit < 0 {
		return fmt.Errorf("quota: limit %d must not be negative", q.Limit)
	}
	switch q.Period {
	case PeriodDay, PeriodWeek, PeriodMonth:
		return nil
	default:
		return fmt.Errorf("quota: period %q: want DAY, WEEK or MONTH", q.Period)
	}
}

// NewQuota reads the quota of a stored plan. A plan without a quota has
// none (ok false). A plan stored without QuotaStart, as ferry stored them
// when offsets counted days, has no initial period: its offset, whatever
// its value, is ignored rather than refused, so such a plan keeps serving.
func NewQuota(p *model.UsagePlan) (q Quota, ok bool, err error) {
	if p.Quota == nil {
		return Quota{}, false, nil
	}
	if err := checkPeriod(p.Quota); err != nil {
		return Quota{}, false, err
	}
	q = Quota{Limit: int64(p.Quota.Limit), Period: p.Quota.Period}
	// Without an offset the start changes nothing, and serving skips
	// parsing it.
	if p.Quota.Offset == 0 || p.QuotaStart == "" {
		return q, true, nil
	}
	if err := CheckQuota(p.Quota); err != nil {
		return Quota{}, false, err
	}
	if q.Start, err = time.Parse(time.RFC3339Nano, p.QuotaStart); err != nil {
		return Quota{}, false, fmt.Errorf("quota: ferryQuotaStart %q is not an RFC 3339 time", p.QuotaStart)
	}
	q.Offset = int64(p.Quota.Offset)
	return q, true, nil
}

// Bounds returns the UTC calendar period that contains t: [start, end).
func (q Quota) Bounds(t time.Time) (start, end time.Time) {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch q.Period {
	case PeriodWeek:
		start = day.AddDate(0, 0, -int(day.Weekday()))
		return start, start.AddDate(0, 0, 7)
	case PeriodMonth:
		start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		return start, start.AddDate(0, 1, 0)
	default:
		return day, day.AddDate(0, 0, 1)
	}
}

// LimitAt is the number of requests allowed in the period that contains
// t: Limit less Offset in the initial period, Limit in every other one.
func (q Quota) LimitAt(t time.Time) int64 {
	if q.Offset == 0 {
		return q.Limit
	}
	if ps, _ := q.Bounds(t); ps.Equal(q.initial()) {
		return max(q.Limit-q.Offset, 0)
	}
	return q.Limit
}

// initial is the start of the initial period.
func (q Quota) initial() time.Time {
	s, _ := q.Bounds(q.Start)
	return s
}

// retryAfter is the Retry-After value, in whole seconds rounded up and at
// least 1, for a wait: a client that waits that long finds capacity again.
func retryAfter(wait time.Duration) int64 {
	s := int64((wait + time.Second - 1) / time.Second)
	if s < 1 {
		return 1
	}
	return s
}
