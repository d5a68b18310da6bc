package usageplan

import (
	"context"
	"fmt"
	"time"

	"github.com/ferrygw/ferry/internal/model"
)

// Usage is API Gateway's Usage answer: per key, one [used, remaining] pair
// per day from StartDate to EndDate. remaining is what the key's quota
// period has left at the end of that day, and 0 when the plan has no quota;
// in the quota's initial period it is counted from the limit less the
// offset, as the gateway counts it.
type Usage struct {
	// UsagePlanID is the plan.
	UsagePlanID string `json:"usagePlanId"`
	// StartDate is the first day, YYYY-MM-DD (UTC).
	StartDate string `json:"startDate"`
	// EndDate is the last day, YYYY-MM-DD (UTC).
	EndDate string `json:"endDate"`
	// Position pages the answer; ferry answers in one page and leaves it empty.
	Position string `json:"position,omitempty"`
	// Items maps each key id to its daily [used, remaining] pairs.
	Items map[string][][2]int64 `json:"items"`
}

// MaxUsageDays bounds one usage query.
const MaxUsageDays = 366

// ParseUsageRange reads startDate and endDate (YYYY-MM-DD, UTC) and checks
// that they make a range of at most MaxUsageDays.
func ParseUsageRange(startDate, endDate string) (start, end time.Time, err error) {
	if startDate == "" || endDate == "" {
		return start, end, fmt.Errorf("usage: startDate and endDate are required (YYYY-MM-DD)")
	}
	if start, err = time.Parse(time.DateOnly, startDate); err != nil {
		return start, end, fmt.Errorf("usage: startDate %q is not a date in YYYY-MM-DD form", startDate)
	}
	if end, err = time.Parse(time.DateOnly, endDate); err != nil {
		return start, end, fmt.Errorf("usage: endDate %q is not a date in YYYY-MM-DD form", endDate)
	}
	if end.Before(start) {
		return start, end, fmt.Errorf("usage: endDate %s is before startDate %s", endDate, startDate)
	}
	if days := int(end.Sub(start).Hours()/24) + 1; days > MaxUsageDays {
		return start, end, fmt.Errorf("usage: %d days asked for; at most %d per query", days, MaxUsageDays)
	}
	return start, end, nil
}

// Usage reports the daily usage of keyIDs under plan from start to end,
// both days included.
func (e *Enforcer) Usage(ctx context.Context, plan *model.UsagePlan, keyIDs []string, start, end time.Time) (*Usage, error) {
	q, hasQuota, err := NewQuota(plan)
	if err != nil {
		return nil, fmt.Errorf("usage plan %s: %w", plan.ID, err)
	}
	out := &Usage{UsagePlanID: plan.ID, StartDate: start.Format(time.DateOnly), EndDate: end.Format(time.DateOnly),
		Items: make(map[string][][2]int64, len(keyIDs))}
	for _, id := range keyIDs {
		days := [][2]int64{}
		var spent int64 // spent in the current quota period
		var periodStart time.Time
		for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
			used, err := e.counter.Get(ctx, usageKey(plan.ID, id, d))
			if err != nil {
				return nil, fmt.Errorf("usage of key %s: %w", id, err)
			}
			var remaining int64
			if hasQuota {
				ps, _ := q.Bounds(d)
				if !ps.Equal(periodStart) {
					periodStart = ps
					if spent, err = e.spentBefore(ctx, plan.ID, id, ps, d); err != nil {
						return nil, err
					}
				}
				spent += used
				remaining = max(q.LimitAt(d)-spent, 0)
			}
			days = append(days, [2]int64{used, remaining})
		}
		out.Items[id] = days
	}
	return out, nil
}

// spentBefore sums the usage of the days of a quota period before day.
func (e *Enforcer) spentBefore(ctx context.Context, planID, keyID string, periodStart, day time.Time) (int64, error) {
	var n int64
	for d := periodStart; d.Before(day); d = d.AddDate(0, 0, 1) {
		used, err := e.counter.Get(ctx, usageKey(planID, keyID, d))
		if err != nil {
			return 0, fmt.Errorf("usage of key %s: %w", keyID, err)
		}
		n += used
	}
	return n, nil
}
