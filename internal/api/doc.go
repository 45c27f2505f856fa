// Package api fills the method registry: one file per namespace, each
// method with its name, params and result schemas, roles, documentation,
// examples and handler. Handlers turn params into calls on the domain
// services and return results in the newest version's shape.
package api
