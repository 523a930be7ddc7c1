//go:build tools

// Package tools records the command this module builds so that `go mod tidy`
// keeps its dependencies. It is never compiled.
package tools

import _ "github.com/coredns/coredns"
