// Command jaas-sim-exec runs one command in a prepared environment for the local Juju model
// (lib/sim): a unit's network namespace, a private mount namespace with a container root or
// extra bind mounts, another user. It then execs the command, so the command keeps this
// process's pid and the caller's signals reach it directly. There is no shell anywhere.
//
// Namespaces and chroot are per thread in Linux, so everything happens on the main thread,
// locked in init, and the final execve from that thread makes its namespaces the process's.
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
)

// Exit codes, as env(1) and unshare(1) use them.
const (
	exitSetup       = 125
	exitNotRunnable = 126
	exitNotFound    = 127
)

func init() {
	runtime.LockOSThread()
}

func main() {
	o, err := parseArgs(os.Args[1:])
	if errors.Is(err, errUsage) {
		fmt.Print(usage)
		os.Exit(0)
	}
	if err != nil {
		fail(exitSetup, err)
	}
	ppid := os.Getppid()
	if err := prepare(o); err != nil {
		fail(exitSetup, err)
	}
	if o.dieWithParent {
		// Set after the user switch, which clears it; a parent that ended before this point
		// would never send the signal, so check it is still ours.
		if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0); e != 0 {
			fail(exitSetup, fmt.Errorf("prctl(PR_SET_PDEATHSIG): %w", e))
		}
		if os.Getppid() != ppid {
			os.Exit(exitSetup)
		}
	}
	path, err := lookPath(o.command[0])
	if err != nil {
		fail(exitNotFound, err)
	}
	err = syscall.Exec(path, o.command, os.Environ())
	code := exitNotRunnable
	if errors.Is(err, syscall.ENOENT) {
		code = exitNotFound
	}
	fail(code, fmt.Errorf("exec %s: %w", path, err))
}

func fail(code int, err error) {
	fmt.Fprintf(os.Stderr, "jaas-sim-exec: %v\n", err)
	os.Exit(code)
}

// prepare does everything but the exec, in an order that matters: the network namespace first
// (sysfs must be mounted from inside it), then the mount namespace, the root, the mounts, the
// chroot, and the user switch last (the rest needs root).
func prepare(o *options) error {
	// The caller's working directory, kept after the chroot when the new root has it too (a
	// charm runs in its charm directory).
	wd, _ := os.Getwd()
	if o.netns != "" {
		if err := joinNetns(o.netns); err != nil {
			return err
		}
	}
	if o.needsMountNamespace() {
		if err := syscall.Unshare(syscall.CLONE_NEWNS); err != nil {
			return fmt.Errorf("unshare(CLONE_NEWNS): %w", err)
		}
		// Our mounts must never reach the host; the host's later mounts may still reach us.
		if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_SLAVE, ""); err != nil {
			return fmt.Errorf("make / a recursive slave: %w", err)
		}
	}
	if o.hostname != "" {
		if err := syscall.Unshare(syscall.CLONE_NEWUTS); err != nil {
			return fmt.Errorf("unshare(CLONE_NEWUTS): %w", err)
		}
		if err := syscall.Sethostname([]byte(o.hostname)); err != nil {
			return fmt.Errorf("sethostname: %w", err)
		}
	}
	root := "/"
	if o.rootfs != "" {
		if err := buildRoot(o); err != nil {
			return err
		}
		root = o.rootfs
	} else if o.netns != "" {
		// As `ip netns exec` does: a sysfs of the new network namespace.
		if err := remountSys("/sys"); err != nil {
			return err
		}
	}
	if o.netns != "" && o.netnsEtc {
		if err := bindNetnsEtc(o, root); err != nil {
			return err
		}
	}
	for _, m := range o.mounts {
		if err := applyMount(m, root); err != nil {
			return err
		}
	}
	if o.rootfs != "" {
		if err := syscall.Chroot(o.rootfs); err != nil {
			return fmt.Errorf("chroot %s: %w", o.rootfs, err)
		}
		if wd == "" || os.Chdir(wd) != nil {
			if err := os.Chdir("/"); err != nil {
				return fmt.Errorf("chdir /: %w", err)
			}
		}
	}
	if err := switchUser(o); err != nil {
		return err
	}
	if o.chdir != "" {
		if err := os.Chdir(o.chdir); err != nil {
			return fmt.Errorf("chdir %s: %w", o.chdir, err)
		}
	}
	return nil
}

// joinNetns moves this thread into a named network namespace (`ip netns add` keeps them as
// files under /var/run/netns).
func joinNetns(name string) error {
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join("/var/run/netns", name)
	}
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open network namespace %s: %w", path, err)
	}
	defer syscall.Close(fd)
	if err := setns(fd, syscall.CLONE_NEWNET); err != nil {
		return fmt.Errorf("setns %s: %w", path, err)
	}
	return nil
}

func switchUser(o *options) error {
	if o.uid < 0 && o.gid < 0 && !o.groupsSet {
		return nil
	}
	groups := o.groups
	if groups == nil {
		groups = []int{}
	}
	if err := syscall.Setgroups(groups); err != nil {
		return fmt.Errorf("setgroups: %w", err)
	}
	if o.gid >= 0 {
		if err := syscall.Setgid(o.gid); err != nil {
			return fmt.Errorf("setgid %d: %w", o.gid, err)
		}
	}
	if o.uid >= 0 {
		if err := syscall.Setuid(o.uid); err != nil {
			return fmt.Errorf("setuid %d: %w", o.uid, err)
		}
	}
	return nil
}

// lookPath finds the command in $PATH as seen from the (new) root, like execvp.
func lookPath(name string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	path := os.Getenv("PATH")
	if path == "" {
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		candidate := filepath.Join(dir, name)
		st, err := os.Stat(candidate)
		if err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0 {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("%s: command not found in PATH %s", name, path)
}
