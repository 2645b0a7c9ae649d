package store

import "syscall"

// lowerThreadPriority gives the calling OS thread the lowest scheduling
// priority (nice 19), so that while requests are running the kernel gives
// them the CPU first. The caller must have locked its goroutine to the
// thread (runtime.LockOSThread). On Linux, setpriority with a thread ID
// applies to that thread alone (setpriority(2), "BUGS": the nice value is
// a per-thread attribute).
func lowerThreadPriority() {
	syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 19)
}
