package web_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var importFrom = regexp.MustCompile(`(?m)^import [^;]*?from '\./([\w.]+)'`)

// TestNoImportCycles: the web interface's modules import each other in
// one direction only (the style guide's rule, JavaScript included), and
// every imported module exists.
func TestNoImportCycles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("static", "js")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	graph := map[string][]string{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".js") {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range importFrom.FindAllStringSubmatch(string(src), -1) {
			graph[e.Name()] = append(graph[e.Name()], m[1])
		}
	}
	const (
		unseen = iota
		open
		done
	)
	state := map[string]int{}
	var visit func(n string, path []string)
	visit = func(n string, path []string) {
		switch state[n] {
		case open:
			t.Fatalf("import cycle: %s", strings.Join(append(path, n), " -> "))
		case done:
			return
		}
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Fatalf("%s imports %s, which does not exist", path[len(path)-1], n)
		}
		state[n] = open
		for _, m := range graph[n] {
			visit(m, append(path, n))
		}
		state[n] = done
	}
	for n := range graph {
		visit(n, nil)
	}
}
