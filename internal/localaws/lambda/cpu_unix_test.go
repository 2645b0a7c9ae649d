//go:build unix

package lambda

import (
	"syscall"
	"time"
)

// selfCPU is the CPU time this process (not its children, the functions)
// has used, user and system.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
