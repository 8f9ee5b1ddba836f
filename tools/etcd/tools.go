//go:build tools

// Package tools pins etcd for the end-to-end test tier.
package tools

import _ "go.etcd.io/etcd/server/v3"
