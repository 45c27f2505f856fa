// Package bench is `keyward bench`: it starts Keyward servers in their own
// processes and measures key verification, logins, calls, queries over
// many keys, idle session memory, revocation, event fan-out and start-up,
// each next to the baseline it is judged against, in one run. Every case
// runs on SQLite (a temporary data directory); given a PostgreSQL server,
// it runs on a fresh database there too, side by side, and the cluster
// cases run two nodes on that database: revocation and an event across
// nodes, and the login rate of two nodes next to one.
package bench
