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

// Quota is a checked QuotaSettings.
type Quota struct {
	// Limit is the number of requests allowed per period.
	Limit int64
	// Period is DAY, WEEK or MONTH.
	Period string
	// Offset moves the start of each period, in days: for WEEK, 0 starts
	// periods on Sunday and 1 on Monday; for MONTH, 0 starts them on the
	// 1st and 4 on the 5th. DAY periods take no offset.
	Offset int
}

// NewQuota checks a plan's quota. A nil quota is no quota (ok false).
func NewQuota(q *model.QuotaSettings) (Quota, bool, error) {
	if q == nil {
		return Quota{}, false, nil
	}
	if q.Limit < 0 {
		return Quota{}, false, fmt.Errorf("quota: limit %d must not be negative", q.Limit)
	}
	out := Quota{Limit: int64(q.Limit), Period: q.Period, Offset: q.Offset}
	var maxOffset int
	switch q.Period {
	case PeriodDay:
		maxOffset = 0
	case PeriodWeek:
		maxOffset = 6
	case PeriodMonth:
		// Every month has a 28th, so every period starts on the same day.
		maxOffset = 27
	default:
		return Quota{}, false, fmt.Errorf("quota: period %q: want DAY, WEEK or MONTH", q.Period)
	}
	if q.Offset < 0 || q.Offset > maxOffset {
		return Quota{}, false, fmt.Errorf("quota: offset %d is out of range for period %s (0 to %d days)", q.Offset, q.Period, maxOffset)
	}
	return out, true, nil
}

// Bounds returns the UTC period that contains t: [start, end).
func (q Quota) Bounds(t time.Time) (start, end time.Time) {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch q.Period {
	case PeriodWeek:
		back := (int(day.Weekday()) - q.Offset + 7) % 7
		start = day.AddDate(0, 0, -back)
		return start, start.AddDate(0, 0, 7)
	case PeriodMonth:
		start = time.Date(t.Year(), t.Month(), 1+q.Offset, 0, 0, 0, 0, time.UTC)
		if start.After(t) {
			start = start.AddDate(0, -1, 0)
		}
		return start, start.AddDate(0, 1, 0)
	default:
		return day, day.AddDate(0, 0, 1)
	}
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
