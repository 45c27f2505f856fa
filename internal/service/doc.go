// Package service holds Keyward's business rules, written once: accounts
// and their validation, first-run setup, login and tokens, session
// validity and invalidation, authorization beyond roles, and the audit
// trail. Handlers in internal/api call it; it reaches storage only through
// the interfaces of the root package.
package service
