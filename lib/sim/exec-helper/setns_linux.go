package main

import "syscall"

// setns joins the namespace behind fd (the syscall package has no wrapper for it).
func setns(fd int, nstype int) error {
	if sysSetns < 0 {
		return syscall.ENOSYS
	}
	if _, _, e := syscall.RawSyscall(uintptr(sysSetns), uintptr(fd), uintptr(nstype), 0); e != 0 {
		return e
	}
	return nil
}
