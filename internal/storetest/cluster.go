package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward"
)

// The contract between handles on one database, as between nodes.

func testCluster(t *testing.T, open Opener, c config) {
	t.Run("ListenSameHandle", func(t *testing.T) {
		a := open(t)
		testListen(t, a, a)
	})
	t.Run("ListenOtherHandle", func(t *testing.T) {
		if c.localListen {
			t.Skip("this back end's Listen wakes for its own handle's commits only")
		}
		testListen(t, open(t), open(t))
	})
	t.Run("LocalSeq", func(t *testing.T) { testLocalSeq(t, open) })
	t.Run("ConcurrentWriters", func(t *testing.T) { testConcurrentWriters(t, open) })
	t.Run("PepperFirstWins", func(t *testing.T) { testPepperRace(t, open) })
}

// testListen checks that a commit through b wakes a listener on a.
func testListen(t *testing.T, a, b keyward.Store) {
	ctx, cancel := context.WithCancel(ctxFor(t))
	ready, wake := make(chan struct{}), make(chan struct{}, 100)
	done := make(chan error, 1)
	go func() {
		done <- a.Listen(ctx, func() { close(ready) }, func() {
			select {
			case wake <- struct{}{}:
			default:
			}
		})
	}()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("Listen ended before ready: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("Listen never called ready")
	}
	for len(wake) > 0 { // wake-ups may be repeated; start from none
		<-wake
	}
	must(t, b.AppendSessionEnd(ctxFor(t), "on-b"))
	select {
	case <-wake:
	case err := <-done:
		t.Fatalf("Listen ended: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("a commit did not wake the listener")
	}
	if got := changesSince(t, a, 0); len(got) != 1 || got[0].Session != "on-b" {
		t.Errorf("the listener's handle reads %+v", got)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Listen did not return when its context ended")
	}
}

func testLocalSeq(t *testing.T, open Opener) {
	a, b := open(t), open(t)
	ctx := ctxFor(t)
	must(t, a.AppendSessionEnd(ctx, "a1"))
	mine := a.LocalSeq()
	must(t, b.AppendSessionEnd(ctx, "b1"))
	if a.LocalSeq() != mine || b.LocalSeq() != mine+1 {
		t.Errorf("LocalSeq: a %d (want %d), b %d (want %d)", a.LocalSeq(), mine, b.LocalSeq(), mine+1)
	}
	if l := lastChange(t, a); l != mine+1 {
		t.Errorf("LastChange through a = %d, want %d", l, mine+1)
	}
}

// testConcurrentWriters has writers on two handles append while a reader
// on a third polls: the reader sees every change once, seq after seq, and
// each handle's LocalSeq is its last change.
func testConcurrentWriters(t *testing.T, open Opener) {
	handles := map[string]keyward.Store{"a": open(t), "b": open(t)}
	reader := open(t)
	u := createUser(t, handles["a"], "alice", 3000)
	start := lastChange(t, reader)
	const perWriter = 20
	var wg sync.WaitGroup
	errs := make(chan error, 4*perWriter)
	for name, s := range handles {
		for w := range 2 {
			wg.Go(func() { writeMany(ctxFor(t), s, u, fmt.Sprintf("%s-%d", name, w), perWriter, errs) })
		}
	}
	total := 4 * perWriter
	seen := pollAll(t, reader, start, total, func() { wg.Wait() })
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for name, s := range handles {
		if want := seen[name]; s.LocalSeq() != want {
			t.Errorf("LocalSeq of handle %s = %d, want its last change %d", name, s.LocalSeq(), want)
		}
	}
}

// writeMany appends n changes through s, alternating session ends and
// created keys, each named prefix-i.
func writeMany(ctx context.Context, s keyward.Store, u *keyward.User, prefix string, n int, errs chan<- error) {
	for i := range n {
		name := fmt.Sprintf("%s-%d", prefix, i)
		var err error
		if i%2 == 0 {
			err = s.AppendSessionEnd(ctx, name)
		} else {
			err = s.UpdateKeys(ctx, func(tx keyward.KeyTx) error { return tx.Create(ctx, newKey(u, name, "p1")) })
		}
		if err != nil {
			errs <- fmt.Errorf("%s: %w", name, err)
		}
	}
}

// pollAll reads changes past start until it has total, checking that
// they come seq after seq, and returns the last seq written by each
// handle (the name's prefix before "-").
func pollAll(t *testing.T, s keyward.Store, start int64, total int, wait func()) map[string]int64 {
	t.Helper()
	last := map[string]int64{}
	names := map[string]bool{}
	seq := start
	deadline := time.Now().Add(time.Minute)
	for len(names) < total && time.Now().Before(deadline) {
		got, err := s.ChangesAfter(ctxFor(t), seq, 7)
		must(t, err)
		for _, c := range got {
			if c.Seq != seq+1 {
				t.Fatalf("after seq %d the reader got %d", seq, c.Seq)
			}
			seq = c.Seq
			name := c.Session
			if c.Key != nil {
				name = c.Key.Name
			}
			if names[name] {
				t.Errorf("change %s seen twice", name)
			}
			names[name] = true
			handle, _, _ := strings.Cut(name, "-")
			last[handle] = c.Seq
		}
		if len(got) == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	wait()
	if len(names) != total {
		t.Fatalf("the reader saw %d changes, want %d", len(names), total)
	}
	return last
}

func testPepperRace(t *testing.T, open Opener) {
	handles := []keyward.Store{open(t), open(t)}
	errs := make([]error, len(handles))
	var wg sync.WaitGroup
	for i, s := range handles {
		wg.Go(func() {
			errs[i] = s.RecordPepperChecks(ctxFor(t), map[string]string{fmt.Sprintf("p%d", i): "check"}, keyward.FirstPepper)
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, keyward.ErrPepperRecorded):
			t.Errorf("RecordPepperChecks(first) = %v", err)
		}
	}
	checks, err := handles[0].PepperChecks(ctxFor(t))
	must(t, err)
	if won != 1 || len(checks) != 1 {
		t.Errorf("%d nodes recorded their pepper first; the database holds %v", won, checks)
	}
}
