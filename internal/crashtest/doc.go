// Package crashtest holds Keyward's crash-safety test: it builds the real
// binary, runs it as a child process under concurrent writes, kills it with
// SIGKILL at a random moment, restarts it on the same data directory and
// checks that every acknowledged change survived and nothing half-written
// remains. The package has no code of its own; see crash_test.go.
//
// The default run (three kills) is part of go test ./...; the full run is
//
//	KEYWARD_CRASH_KILLS=20 go test -run TestCrashSafety -v ./internal/crashtest/
package crashtest
