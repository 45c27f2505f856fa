// Package bench is `keyward bench`: it starts a Keyward server in its own
// process on a temporary data directory (or uses one given by URL), and
// measures key verification, logins, calls, queries over many keys, idle
// session memory, revocation, event fan-out and start-up, each next to the
// baseline it is judged against, in one run.
package bench
