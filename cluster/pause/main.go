// Command pause is the sandbox ("pause") process of every pod on the local
// cluster's node. It holds the pod's namespaces open, reaps orphaned children
// (it is PID 1 when the pod shares its process namespace), and exits on
// SIGINT or SIGTERM. No registry is reachable here, so the node's sandbox
// image is built from this program (see cluster/images/pause.Dockerfile).
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for sig := range signals {
		if sig == syscall.SIGCHLD {
			reap()
			continue
		}
		os.Exit(0)
	}
}

// reap collects every exited child so that none stays a zombie.
func reap() {
	for {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}
