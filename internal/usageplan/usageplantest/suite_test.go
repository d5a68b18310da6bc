package usageplantest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ferrygw/ferry/internal/store"
	"github.com/ferrygw/ferry/internal/store/sqlite"
	"github.com/ferrygw/ferry/internal/usageplan"
)

func TestMemoryLimiter(t *testing.T) {
	RunLimiter(t, func(*testing.T) usageplan.Limiter { return usageplan.NewMemoryLimiter() })
}

func TestMemoryCounter(t *testing.T) {
	RunCounter(t, func(*testing.T) usageplan.Counter { return usageplan.NewMemoryCounter() })
}

// The durable counter on SQLite is held to the same suite, so a count
// that outlives a restart is not bought with a looser limit.
func TestDurableCounter(t *testing.T) {
	RunCounter(t, func(t *testing.T) usageplan.Counter {
		b, err := sqlite.Open(filepath.Join(t.TempDir(), "ferry.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		c, err := usageplan.OpenDurableCounter(context.Background(), usageplan.DurableConfig{Store: store.New(b)})
		if err != nil {
			t.Fatal(err)
		}
		// Flushing between the suite's steps keeps the store in the test.
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		go c.Run(ctx)
		t.Cleanup(func() {
			if err := c.Close(context.Background()); err != nil {
				t.Error(err)
			}
		})
		return c
	})
}
