//go:build !amd64 && !arm64

package main

// sysSetns is unknown here: joining a network namespace fails with ENOSYS.
const sysSetns = -1
