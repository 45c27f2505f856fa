// Package acceptance holds Keyward's end-to-end tests: each runs real
// servers on loopback (internal/apptest) and talks to them as clients do,
// one file per spec area, tests named after the acceptance item or the
// issue item they show. Tests of one layer live next to that layer.
package acceptance
