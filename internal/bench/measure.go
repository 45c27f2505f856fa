package bench

import (
	"context"
	"slices"
	"sync"
	"time"
)

// latencies collects operation times.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// percentile returns the p-th percentile (0-100) in milliseconds.
func (l *latencies) percentile(p float64) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return 0
	}
	s := slices.Clone(l.d)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p / 100)
	return float64(s[i].Microseconds()) / 1000
}

// worker is one load goroutine's life: setup makes its state, op is one
// measured operation, teardown (optional) releases the state.
type worker[S any] struct {
	setup    func() (S, error)
	op       func(S) error
	teardown func(S)
}

// rate runs w.op on `workers` goroutines for d and returns operations per
// second and their latencies.
func rate[S any](ctx context.Context, workers int, d time.Duration, w worker[S]) (float64, *latencies, error) {
	setup, op := w.setup, w.op
	states := make([]S, workers)
	for i := range states {
		s, err := setup()
		if err != nil {
			return 0, nil, err
		}
		states[i] = s
	}
	lat := &latencies{}
	var count int64
	var mu sync.Mutex
	var firstErr error
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for _, s := range states {
		wg.Go(func() {
			n := int64(0)
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t := time.Now()
				if err := op(s); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				lat.add(time.Since(t))
				n++
			}
			mu.Lock()
			count += n
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if w.teardown != nil {
		for _, s := range states {
			w.teardown(s)
		}
	}
	return float64(count) / elapsed.Seconds(), lat, firstErr
}
