package usageplantest

import (
	"testing"

	"github.com/ferrygw/ferry/internal/usageplan"
)

func TestMemoryLimiter(t *testing.T) {
	RunLimiter(t, func(*testing.T) usageplan.Limiter { return usageplan.NewMemoryLimiter() })
}

func TestMemoryCounter(t *testing.T) {
	RunCounter(t, func(*testing.T) usageplan.Counter { return usageplan.NewMemoryCounter() })
}
