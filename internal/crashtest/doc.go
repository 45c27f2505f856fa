// Package crashtest holds Keyward's process-level reliability tests. Both
// build the real binary and run it as a child process:
//
//   - TestCrashSafety runs concurrent writes, kills the server with SIGKILL
//     at a random moment, restarts it on the same data directory and checks
//     that every acknowledged change survived and nothing half-written
//     remains;
//   - TestSoak runs many clients through whole key lives and checks every
//     answer and that the server's memory stays flat.
//
// The package has no code of its own. go test ./... runs three kills and a
// 20-second soak; the full runs (docs/RELIABILITY.md) are
//
//	KEYWARD_CRASH_KILLS=20 go test -run TestCrashSafety -v ./internal/crashtest/
//	KEYWARD_SOAK=5m go test -run TestSoak -v -timeout 20m ./internal/crashtest/
package crashtest
