// Package docs renders Keyward's API documentation at run time from the
// method registry that validates every call: HTML pages per API version
// (protocol, query methods, authentication, roles, events, one page per
// method with its schemas, roles, examples and errors, and a "Try it"
// panel), a single-file download, and an OpenRPC 1.3 document. Nothing is
// written by hand about a method, so nothing can drift from what the
// server enforces. The pages come from html/template templates embedded
// from templates/, with the one style sheet static/docs.css inlined and
// allowed by its hash.
package docs
