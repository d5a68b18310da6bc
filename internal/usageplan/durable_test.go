package usageplan

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
	"github.com/ferrygw/ferry/internal/reqctx"
	"github.com/ferrygw/ferry/internal/store"
)

// recordingStore is a CounterStore in memory that records each write and
// can be told to fail the next one.
type recordingStore struct {
	mu      sync.Mutex
	rows    map[string]store.Counter
	writes  []string // one line per WriteCounters call: "put a=1 b=2 remove c"
	failing error
	// corrupt makes ListCounters fail until DeleteExpiredCounters runs,
	// as a record that cannot be read does.
	corrupt bool
}

func newRecordingStore(rows ...store.Counter) *recordingStore {
	s := &recordingStore{rows: map[string]store.Counter{}}
	for _, r := range rows {
		s.rows[r.Name] = r
	}
	return s
}

func (s *recordingStore) WriteCounters(_ context.Context, put []store.Counter, remove []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failing != nil {
		err := s.failing
		s.failing = nil
		return err
	}
	var parts []string
	for _, c := range put {
		parts = append(parts, fmt.Sprintf("%s=%d", c.Name, c.N))
	}
	slices.Sort(parts)
	line := "put " + strings.Join(parts, " ")
	if len(remove) > 0 {
		sorted := slices.Sorted(slices.Values(remove))
		line += " remove " + strings.Join(sorted, " ")
	}
	s.writes = append(s.writes, line)
	for _, name := range remove {
		delete(s.rows, name)
	}
	for _, c := range put {
		s.rows[c.Name] = c
	}
	return nil
}

func (s *recordingStore) ListCounters(context.Context) ([]store.Counter, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.corrupt {
		return nil, errors.New(`counter "bad": stored record is corrupt`)
	}
	var out []store.Counter
	for _, c := range s.rows {
		out = append(out, c)
	}
	return out, nil
}

func (s *recordingStore) DeleteExpiredCounters(_ context.Context, now time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	if s.corrupt {
		s.corrupt = false
		n++
	}
	for k, c := range s.rows {
		if !now.Before(c.ExpireAt) {
			delete(s.rows, k)
			n++
		}
	}
	return n, nil
}

func (s *recordingStore) takeWrites() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.writes
	s.writes = nil
	return w
}

func openDurable(t testing.TB, st CounterStore, clk *clock) *DurableCounter {
	t.Helper()
	d, err := OpenDurableCounter(context.Background(), DurableConfig{Store: st, Now: clk.now, FlushInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// A flush writes exactly the counters that changed since the one before,
// with their counts as they stand, and does not write when nothing changed.
func TestDurableFlushWritesOnlyChanges(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t0}
	st := newRecordingStore()
	d := openDurable(t, st, clk)
	exp := t0.Add(time.Hour)
	steps := []struct {
		name  string
		do    func()
		wants []string
	}{
		{"nothing counted", func() {}, nil},
		{"two counters", func() {
			d.Take(ctx, "q", 3, exp)
			d.Take(ctx, "q", 3, exp)
			d.Add(ctx, "u", 2, exp)
		}, []string{"put q=2 u=2"}},
		{"idle", func() {}, nil},
		{"one counter again", func() { d.Take(ctx, "q", 3, exp) }, []string{"put q=3"}},
		{"a refused take changes nothing", func() { d.Take(ctx, "q", 3, exp) }, nil},
		{"adding zero changes nothing", func() { d.Add(ctx, "u", 0, exp) }, nil},
	}
	for _, s := range steps {
		s.do()
		if err := d.Flush(ctx); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := st.takeWrites(); !slices.Equal(got, s.wants) {
			t.Errorf("%s: writes %q, want %q", s.name, got, s.wants)
		}
	}
}

// Counts come back after a restart, expired ones do not, and expired rows
// leave the store: those found at start with the first flush, those that
// expire later with the flush after the sweep that forgot them.
func TestDurableRestartAndExpiry(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t0}
	st := newRecordingStore(
		store.Counter{Name: "q|old", N: 9, ExpireAt: t0.Add(-time.Second)},
		store.Counter{Name: "q|live", N: 4, ExpireAt: t0.Add(time.Hour)},
	)
	d := openDurable(t, st, clk)
	if n, _ := d.Get(ctx, "q|live"); n != 4 {
		t.Fatalf("loaded count %d, want 4", n)
	}
	if n, _ := d.Get(ctx, "q|old"); n != 0 {
		t.Fatalf("an expired stored count reads %d, want 0", n)
	}
	d.Take(ctx, "q|live", 5, t0.Add(time.Hour))
	if _, ok, _ := d.Take(ctx, "q|live", 5, t0.Add(time.Hour)); ok {
		t.Fatal("a loaded count of 4 plus one take passed a limit of 5")
	}
	d.Add(ctx, "u|short", 1, t0.Add(30*time.Second))
	if err := d.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := st.rows["q|old"]; ok {
		t.Error("the first flush left the expired row q|old")
	}
	if r := st.rows["q|live"]; r.N != 5 {
		t.Errorf("stored q|live = %d, want 5", r.N)
	}

	clk.t = t0.Add(2 * time.Minute) // u|short has expired, and a sweep is due
	d2 := openDurable(t, st, clk)
	if n, _ := d2.Get(ctx, "q|live"); n != 5 {
		t.Errorf("after a restart q|live = %d, want 5", n)
	}
	must(t, d.Flush(ctx))
	if _, ok := st.rows["u|short"]; ok {
		t.Error("a flush after u|short expired left its row")
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A failed write loses nothing: the next flush carries it, merged with
// what changed meanwhile.
func TestDurableFailedFlushRetries(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t0}
	st := newRecordingStore()
	d := openDurable(t, st, clk)
	exp := t0.Add(time.Hour)
	must(t, d.Flush(ctx))
	st.takeWrites()
	d.Take(ctx, "a", 10, exp)
	d.Take(ctx, "b", 10, exp)
	st.failing = errors.New("disk full")
	if err := d.Flush(ctx); err == nil || !strings.Contains(err.Error(), "writing 2 counts: disk full") {
		t.Fatalf("flush error %v", err)
	}
	d.Take(ctx, "b", 10, exp)
	d.Take(ctx, "c", 10, exp)
	must(t, d.Flush(ctx))
	if got, want := st.takeWrites(), []string{"put a=1 b=2 c=1"}; !slices.Equal(got, want) {
		t.Errorf("writes after a failure %q, want %q", got, want)
	}
}

// An unreadable record does not stop a start: it is deleted, and the
// readable counts are loaded.
func TestOpenDurableCounterSurvivesACorruptRecord(t *testing.T) {
	st := newRecordingStore(store.Counter{Name: "q", N: 3, ExpireAt: t0.Add(time.Hour)})
	st.corrupt = true
	d := openDurable(t, st, &clock{t0})
	if n, _ := d.Get(context.Background(), "q"); n != 3 || st.corrupt {
		t.Errorf("after a corrupt record: q = %d, corrupt record left %v", n, st.corrupt)
	}
}

func TestOpenDurableCounterRefusesBadConfig(t *testing.T) {
	cases := []struct {
		name string
		cfg  DurableConfig
		msg  string
	}{
		{"no store", DurableConfig{}, "usageplan: DurableConfig.Store is nil"},
		{"negative interval", DurableConfig{Store: newRecordingStore(), FlushInterval: -time.Second}, "usageplan: flush interval -1s is negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := OpenDurableCounter(context.Background(), tc.cfg)
			if err == nil || err.Error() != tc.msg {
				t.Fatalf("error %v, want %q", err, tc.msg)
			}
		})
	}
}

// Run writes without being asked, every interval.
func TestDurableRunFlushes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := newRecordingStore()
	d, err := OpenDurableCounter(ctx, DurableConfig{Store: st, FlushInterval: 10 * time.Millisecond})
	must(t, err)
	go d.Run(ctx)
	d.Take(ctx, "q", 5, time.Now().Add(time.Hour))
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		st.mu.Lock()
		n := st.rows["q"].N
		st.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Run did not write the count within 5s")
		}
	}
}

// The guard over a durable counter on SQLite: part of a quota spent before
// a restart leaves exactly the remainder after it, and usage reads the
// count from before the restart.
func TestDurableQuotaThroughRestart(t *testing.T) {
	ctx := context.Background()
	const limit, before = 10, 4
	f := newFixture(t, &model.UsagePlan{ID: "p1", APIStages: []model.UsagePlanStage{{APIID: "a1", Stage: "prod"}},
		Quota: &model.QuotaSettings{Limit: limit, Period: PeriodMonth}}, nil)
	restart := func() *DurableCounter {
		d := openDurable(t, f.st, f.clk)
		f.useCounter(t, d)
		return d
	}
	d := restart()
	for i := range before {
		if _, err := f.call("prod", "secret-value-1"); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	must(t, d.Close(ctx))

	f.clk.t = f.clk.t.Add(time.Hour)
	restart()
	accepted := 0
	for range limit {
		_, err := f.call("prod", "secret-value-1")
		if err == nil {
			accepted++
		} else if errType(err) != gatewayresponse.QuotaExceeded {
			t.Fatalf("unexpected refusal %v", err)
		}
	}
	if accepted != limit-before {
		t.Errorf("%d calls accepted after the restart, want exactly %d - %d", accepted, limit, before)
	}
	plan, err := f.st.GetUsagePlan(ctx, "p1")
	must(t, err)
	u, err := f.e.Usage(ctx, plan, []string{"k1"}, t0, t0)
	must(t, err)
	if got := u.Items["k1"]; len(got) != 1 || got[0] != [2]int64{limit, 0} {
		t.Errorf("usage after the restart %v, want [[%d 0]]", got, limit)
	}
}

// useCounter rebuilds the fixture's enforcer and guard over c, as a
// restart of ferry would.
func (f *fixture) useCounter(t testing.TB, c Counter) {
	var err error
	f.e, err = New(Config{Store: f.st, Now: f.clk.now, Counter: c})
	must(t, err)
	m := &model.Method{HTTPMethod: "GET", APIKeyRequired: true}
	f.g, err = f.e.Guard(&model.API{RestAPI: model.RestAPI{ID: "a1"}}, &model.Stage{StageName: "prod"},
		&model.Resource{Path: "/pets", ResourceMethods: map[string]*model.Method{"GET": m}}, m)
	must(t, err)
}

// BenchmarkGuardDurableCounter is BenchmarkGuard over a DurableCounter on
// SQLite, flushed every 10000 requests: compare the two.
func BenchmarkGuardDurableCounter(b *testing.B) {
	f := newFixture(b, &model.UsagePlan{ID: "p1", APIStages: []model.UsagePlanStage{{APIID: "a1", Stage: "prod"}},
		Throttle: &model.ThrottleSettings{RateLimit: 1e9, BurstLimit: 1e9},
		Quota:    &model.QuotaSettings{Limit: 1 << 30, Period: "MONTH"}}, nil)
	d := openDurable(b, f.st, f.clk)
	f.useCounter(b, d)
	r, _ := http.NewRequest("GET", "http://gw/pets", nil)
	r.Header.Set("x-api-key", "secret-value-1")
	gr := &pipeline.GuardRequest{HTTP: r, APIID: "a1", Stage: "prod", Context: &reqctx.Context{}, Header: http.Header{}}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := f.g(ctx, gr); err != nil {
			b.Fatal(err)
		}
		if i++; i%10000 == 0 {
			must(b, d.Flush(ctx))
		}
	}
}

// The per-request cost of counting durably must stay that of counting in
// memory: compare with BenchmarkMemoryCounterTake.
func BenchmarkDurableCounterTake(b *testing.B) {
	d, err := OpenDurableCounter(context.Background(), DurableConfig{Store: newRecordingStore()})
	must(b, err)
	benchmarkTake(b, d, func() { must(b, d.Flush(context.Background())) })
}

func BenchmarkMemoryCounterTake(b *testing.B) {
	benchmarkTake(b, NewMemoryCounter(), func() {})
}

// benchmarkTake takes from 1000 counters in turn, flushing every 100000
// takes (about what a busy node does between flushes), from every core.
func benchmarkTake(b *testing.B, c Counter, flush func()) {
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	names := make([]string, 1000)
	for i := range names {
		names[i] = fmt.Sprintf("q|plan|key%04d|1772323200", i)
	}
	var mu sync.Mutex
	var n int
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, _, err := c.Take(ctx, names[i%len(names)], 1<<62, exp); err != nil {
				b.Fatal(err)
			}
			if i++; i%10000 == 0 {
				mu.Lock()
				if n++; n%10 == 0 {
					flush()
				}
				mu.Unlock()
			}
		}
	})
}

// Flushes racing with takes lose none of them: after the last flush the
// store holds every take.
func TestDurableFlushRacesTakes(t *testing.T) {
	ctx := context.Background()
	st := newRecordingStore()
	d, err := OpenDurableCounter(ctx, DurableConfig{Store: st})
	must(t, err)
	exp := time.Now().Add(time.Hour)
	const workers, each = 4, 500
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				d.Take(ctx, fmt.Sprintf("q%d", i%7), 1<<40, exp)
				d.Add(ctx, fmt.Sprintf("u%d", w), 1, exp)
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	flushes := 0
	for running := true; running; flushes++ {
		select {
		case <-done:
			running = false
		default:
		}
		must(t, d.Flush(ctx))
	}
	must(t, d.Close(ctx))
	var taken, added int64
	for name, c := range st.rows {
		if strings.HasPrefix(name, "q") {
			taken += c.N
		} else {
			added += c.N
		}
	}
	if taken != workers*each || added != workers*each {
		t.Errorf("after %d flushes the store holds %d takes and %d adds, want %d each", flushes, taken, added, workers*each)
	}
}
