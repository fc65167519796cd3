package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// privateDirs records which top-level directories of the new root are the container's own
// (overlaid or fresh) rather than the host's, shared.
type privateDirs map[string]bool

var private = privateDirs{}

// buildRoot mounts a tmpfs on o.rootfs and fills it with the host's top-level entries:
// symlinks copied, /proc and /dev bound, /sys bound (or a fresh sysfs inside a network
// namespace), every other directory overlaid (with --upper) or bound. New top-level paths
// (such as /charm) can then be made without touching the host.
func buildRoot(o *options) error {
	root := o.rootfs
	if err := os.MkdirAll(root, 0o755); err != nil {
		return fmt.Errorf("--rootfs: %w", err)
	}
	st, err := os.Stat(root)
	if err != nil {
		return fmt.Errorf("--rootfs: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("--rootfs %s: not a directory", root)
	}
	entries, err := os.ReadDir("/")
	if err != nil {
		return fmt.Errorf("read /: %w", err)
	}
	// In memory, like a container's writable layer it is lost at exit; only top-level paths the
	// host lacks (mount points such as /charm, or a workload's new /data) live on it.
	if err := syscall.Mount("jaas-sim-root", root, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "mode=755"); err != nil {
		return fmt.Errorf("mount tmpfs on %s: %w", root, err)
	}
	shared := map[string]bool{}
	for _, s := range o.share {
		shared[s] = true
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	copied := false // whether a bound directory contains the root itself
	for _, e := range entries {
		name := e.Name()
		host := "/" + name
		target := filepath.Join(root, name)
		info, err := os.Lstat(host)
		if err != nil {
			continue // vanished meanwhile
		}
		bindDir := func() error {
			if err := mkdirLike(target, info); err != nil {
				return err
			}
			if strings.HasPrefix(root+"/", host+"/") {
				copied = true
			}
			return bind(host, target, true)
		}
		switch {
		case info.Mode()&os.ModeSymlink != 0:
			link, err := os.Readlink(host)
			if err != nil {
				return fmt.Errorf("readlink %s: %w", host, err)
			}
			if err := os.Symlink(link, target); err != nil {
				return fmt.Errorf("symlink %s: %w", target, err)
			}
		case name == "proc" || name == "dev":
			err = bindDir()
		case name == "sys" && o.netns != "":
			if err = mkdirLike(target, info); err == nil {
				err = mountSysfs(target)
			}
		case name == "sys":
			err = bindDir()
		case name == "run" && o.upper != "" && !shared[host]:
			err = freshRun(target, info)
		case name == "tmp" && o.upper != "" && !shared[host]:
			err = freshTmp(target, info, filepath.Join(o.upper, "tmp"))
		case info.IsDir() && o.upper != "" && !shared[host]:
			err = overlayDir(host, target, info, o.upper)
			if err != nil {
				// Better a working container sharing this directory than none at all.
				warn("overlay of %s failed (%v); sharing the host's %s", host, err, host)
				err = bindDir()
			} else {
				private[host] = true
			}
		case info.IsDir():
			err = bindDir()
		case info.Mode().IsRegular():
			if err = touch(target, info.Mode().Perm()); err == nil {
				err = bindReadOnly(host, target, false)
			}
		}
		if err != nil {
			return err
		}
	}
	if copied {
		// The tmpfs root is a submount of a directory bound recursively into itself: detach
		// that copy so the container does not see a half-built twin of its own root.
		if err := syscall.Unmount(filepath.Join(root, root), syscall.MNT_DETACH); err != nil && !errors.Is(err, syscall.EINVAL) {
			return fmt.Errorf("detach the copy of the root: %w", err)
		}
	}
	return nil
}

// overlayDir mounts an overlay of host directory host (lower) and upper/upper/<name> on
// target. The upper directory takes the host directory's mode and owner, as overlayfs shows
// the upper directory's attributes for the root of the mount.
func overlayDir(host, target string, info os.FileInfo, upper string) error {
	name := filepath.Base(host)
	up := filepath.Join(upper, "upper", name)
	work := filepath.Join(upper, "work", name)
	if err := mkdirLike(up, info); err != nil {
		return err
	}
	if err := os.MkdirAll(work, 0o700); err != nil {
		return err
	}
	if err := mkdirLike(target, info); err != nil {
		return err
	}
	opts := "lowerdir=" + overlayEscape(host) + ",upperdir=" + overlayEscape(up) + ",workdir=" + overlayEscape(work)
	if err := syscall.Mount("overlay", target, "overlay", 0, opts); err != nil {
		return fmt.Errorf("mount overlay %s: %w", opts, err)
	}
	return nil
}

// freshRun gives the container an empty /run, as a container image has.
func freshRun(target string, info os.FileInfo) error {
	if err := mkdirLike(target, info); err != nil {
		return err
	}
	if err := syscall.Mount("jaas-sim-run", target, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "mode=755"); err != nil {
		return fmt.Errorf("mount tmpfs on %s: %w", target, err)
	}
	private["/run"] = true
	return mkdirMode(filepath.Join(target, "lock"), 0o1777)
}

// freshTmp gives the container its own /tmp on disk (dir), empty at first.
func freshTmp(target string, info os.FileInfo, dir string) error {
	if err := mkdirMode(dir, 0o1777); err != nil {
		return err
	}
	if err := mkdirLike(target, info); err != nil {
		return err
	}
	private["/tmp"] = true
	return bind(dir, target, false)
}

// bindNetnsEtc binds every file of /etc/netns/<name>/ over /etc/<file>, as `ip netns exec`
// does, so the unit resolves the model's names. Binding the host file itself (not a copy) lets
// in-place updates of the network module reach running processes.
func bindNetnsEtc(o *options, root string) error {
	if filepath.IsAbs(o.netns) {
		return nil // a namespace given by path has no /etc/netns folder
	}
	dir := filepath.Join("/etc/netns", o.netns)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", dir, err)
	}
	for _, e := range entries {
		src := filepath.Join(dir, e.Name())
		target := filepath.Join(root, "etc", e.Name())
		if st, err := os.Stat(src); err != nil || !st.Mode().IsRegular() {
			continue
		}
		if private["/etc"] {
			// The container's own /etc: a symlink here (say resolv.conf into /run) would send
			// the mount elsewhere, so replace it by a plain file, in the upper layer only.
			if st, err := os.Lstat(target); err == nil && st.Mode()&os.ModeSymlink != 0 {
				if err := os.Remove(target); err != nil {
					return fmt.Errorf("replace symlink %s: %w", target, err)
				}
			}
			if err := touch(target, 0o644); err != nil {
				return err
			}
		} else if _, err := os.Stat(target); err != nil {
			warn("not binding %s: %s does not exist", src, target)
			continue
		}
		if err := bind(src, target, false); err != nil {
			return err
		}
	}
	return nil
}

// applyMount does one --bind, --ro-bind, --merge or --tmpfs, relative to root.
func applyMount(m mountSpec, root string) error {
	target := filepath.Join(root, m.dst)
	switch m.kind {
	case "tmpfs":
		if err := os.MkdirAll(target, 0o755); err != nil {
			return fmt.Errorf("--tmpfs %s: %w", m.dst, err)
		}
		if err := syscall.Mount("jaas-sim-tmpfs", target, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "mode=755"); err != nil {
			return fmt.Errorf("--tmpfs %s: %w", m.dst, err)
		}
		return nil
	case "merge":
		// The host's directory is the lower layer rather than the container's view of it (the
		// same content at start): an overlay over an overlay over a host that is itself an
		// overlay (a Docker container) would pass overlayfs' stacking limit of two.
		lower := ""
		if st, err := os.Stat(m.dst); err == nil && st.IsDir() {
			lower = m.dst
		} else if st, err := os.Stat(target); err == nil && st.IsDir() {
			lower = target
		}
		if lower != "" {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return fmt.Errorf("--merge %s: %w", m.dst, err)
			}
			opts := "lowerdir=" + overlayEscape(m.src) + ":" + overlayEscape(lower)
			err := syscall.Mount("overlay", target, "overlay", syscall.MS_RDONLY, opts)
			if err == nil {
				return nil
			}
			warn("--merge %s:%s: overlay failed (%v); binding %s over it instead", m.src, m.dst, err, m.src)
		}
		if err := mountPoint(m.src, target); err != nil {
			return err
		}
		return bindReadOnly(m.src, target, true)
	}
	if err := mountPoint(m.src, target); err != nil {
		return err
	}
	if m.kind == "ro-bind" {
		return bindReadOnly(m.src, target, true)
	}
	return bind(m.src, target, true)
}

// mountPoint creates what src can be bound onto: a directory, or an empty file.
func mountPoint(src, target string) error {
	st, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("bind source: %w", err)
	}
	if st.IsDir() {
		if err := os.MkdirAll(target, 0o755); err != nil {
			return fmt.Errorf("mount point %s: %w", target, err)
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return fmt.Errorf("mount point %s: %w", target, err)
	}
	return touch(target, 0o644)
}

func bind(src, target string, recursive bool) error {
	flags := uintptr(syscall.MS_BIND)
	if recursive {
		flags |= syscall.MS_REC
	}
	if err := syscall.Mount(src, target, "", flags, ""); err != nil {
		return fmt.Errorf("bind %s on %s: %w", src, target, err)
	}
	return nil
}

func bindReadOnly(src, target string, recursive bool) error {
	if err := bind(src, target, recursive); err != nil {
		return err
	}
	if err := syscall.Mount("", target, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		return fmt.Errorf("make %s read-only: %w", target, err)
	}
	return nil
}

func mountSysfs(target string) error {
	if err := syscall.Mount("sysfs", target, "sysfs", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mount sysfs on %s: %w", target, err)
	}
	return nil
}

// remountSys replaces /sys by a sysfs of the current network namespace.
func remountSys(target string) error {
	if err := syscall.Unmount(target, syscall.MNT_DETACH); err != nil && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("unmount %s: %w", target, err)
	}
	return mountSysfs(target)
}

// mkdirLike makes dir (and its parents) with the mode and owner of info.
func mkdirLike(dir string, info os.FileInfo) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("mkdir %s: %w", dir, err)
	}
	if err := os.Chmod(dir, info.Mode().Perm()|info.Mode()&os.ModeSticky); err != nil {
		return fmt.Errorf("chmod %s: %w", dir, err)
	}
	if sys, ok := info.Sys().(*syscall.Stat_t); ok {
		if err := os.Lchown(dir, int(sys.Uid), int(sys.Gid)); err != nil {
			return fmt.Errorf("chown %s: %w", dir, err)
		}
	}
	return nil
}

// mkdirMode makes dir with exactly mode (the umask would take the sticky bit's friends away).
func mkdirMode(dir string, mode os.FileMode) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("mkdir %s: %w", dir, err)
	}
	perm := mode.Perm()
	if mode&0o1000 != 0 {
		perm |= os.ModeSticky
	}
	if err := os.Chmod(dir, perm); err != nil {
		return fmt.Errorf("chmod %s: %w", dir, err)
	}
	return nil
}

// touch creates an empty file if nothing is there.
func touch(path string, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, perm)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	return f.Close()
}

// overlayEscape escapes the characters overlayfs's option parser treats specially.
func overlayEscape(p string) string {
	r := strings.NewReplacer(`\`, `\\`, `,`, `\,`, `:`, `\:`)
	return r.Replace(p)
}

func warn(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "jaas-sim-exec: warning: "+format+"\n", args...)
}
