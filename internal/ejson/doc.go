// Package ejson reads and writes TrueNAS's extended JSON (protocol.md
// section 4) on top of a small JSON parser that keeps what the protocol
// needs: object key order, number literals exactly as sent and a nesting
// limit.
//
// Decoded values are nil, bool, json.Number, string, []any, *Object,
// time.Time ($date), TimeOfDay ($time), Set ($set), Date ($type: date) and
// Interface ($ipv4_interface, $ipv6_interface).
package ejson
