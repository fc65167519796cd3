package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

const usage = `usage: jaas-sim-exec [options] -- command [args...]

Runs command in a prepared environment, without a shell: joins a network namespace,
unshares a private mount namespace, builds a container root, applies mounts, switches
user, then execs command (which keeps this process's pid).

  --netns NAME        join /var/run/netns/NAME (or an absolute path to a namespace file)
  --no-netns-etc      do not bind /etc/netns/NAME/* over /etc/* (done by default, as
                      'ip netns exec' does)
  --rootfs DIR        mount a tmpfs on DIR (made if missing; its content is hidden, not
                      changed), mirror the host's top-level entries into it, and chroot into
                      it; the working directory stays if the new root has it, else /
  --upper DIR         with --rootfs: copy-on-write host directories; top-level directory X
                      becomes an overlay with X as lower layer and DIR/upper/X as upper layer,
                      /tmp becomes DIR/tmp, /run a fresh tmpfs. Without --upper, host
                      directories are bind-mounted (shared)
  --share PATH        with --upper: bind-mount host top-level directory PATH instead of
                      overlaying it (repeatable)
  --bind SRC:DST      bind-mount SRC on DST (inside the new root with --rootfs), creating
                      the mount point (repeatable)
  --ro-bind SRC:DST   the same, read-only (repeatable)
  --merge SRC:DST     read-only union of directory SRC over DST's content (an overlay);
                      a read-only bind when DST does not exist (repeatable)
  --tmpfs DST         a fresh tmpfs on DST (repeatable)
  --hostname NAME     a private UTS namespace with this host name
  --uid N, --gid N    switch to this user and group before exec (groups: --groups)
  --groups N,N,...    supplementary groups (default: none when --uid or --gid is given)
  --chdir DIR         working directory after the switch (default: unchanged)
  --die-with-parent   receive SIGTERM when the parent process ends
`

// mountSpec is one --bind/--ro-bind/--merge/--tmpfs, applied in command-line order.
type mountSpec struct {
	kind string // "bind", "ro-bind", "merge" or "tmpfs"
	src  string
	dst  string
}

// options is the parsed command line.
type options struct {
	netns         string
	netnsEtc      bool
	rootfs        string
	upper         string
	share         []string
	mounts        []mountSpec
	hostname      string
	uid           int
	gid           int
	groups        []int
	groupsSet     bool
	chdir         string
	dieWithParent bool
	command       []string
}

// errUsage asks main to print the usage text.
var errUsage = errors.New("usage")

// needsMountNamespace says whether any option changes mounts.
func (o *options) needsMountNamespace() bool {
	return o.netns != "" || o.rootfs != "" || len(o.mounts) > 0
}

func parseArgs(args []string) (*options, error) {
	o := &options{netnsEtc: true, uid: -1, gid: -1}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			o.command = args[i+1:]
			break
		}
		if arg == "-h" || arg == "--help" {
			return nil, errUsage
		}
		name, value, inline := strings.Cut(arg, "=")
		takesValue := func() (string, error) {
			if inline {
				return value, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("%s needs a value", name)
			}
			i++
			return args[i], nil
		}
		flag := func() error {
			if inline {
				return fmt.Errorf("%s takes no value", name)
			}
			return nil
		}
		var err error
		var v string
		switch name {
		case "--netns":
			if v, err = takesValue(); err == nil {
				if v == "" || (strings.Contains(v, "/") && !filepath.IsAbs(v)) {
					err = fmt.Errorf("--netns: want a namespace name or an absolute path, got %q", v)
				}
				o.netns = v
			}
		case "--no-netns-etc":
			if err = flag(); err == nil {
				o.netnsEtc = false
			}
		case "--rootfs":
			if v, err = takesValue(); err == nil {
				o.rootfs, err = absPath(name, v)
			}
		case "--upper":
			if v, err = takesValue(); err == nil {
				o.upper, err = absPath(name, v)
			}
		case "--share":
			if v, err = takesValue(); err == nil {
				v, err = absPath(name, v)
				o.share = append(o.share, v)
			}
		case "--bind", "--ro-bind", "--merge":
			if v, err = takesValue(); err == nil {
				var m mountSpec
				m, err = parsePair(name, v)
				o.mounts = append(o.mounts, m)
			}
		case "--tmpfs":
			if v, err = takesValue(); err == nil {
				v, err = absPath(name, v)
				o.mounts = append(o.mounts, mountSpec{kind: "tmpfs", dst: v})
			}
		case "--hostname":
			if v, err = takesValue(); err == nil {
				if v == "" || len(v) > 64 {
					err = fmt.Errorf("--hostname: want 1-64 characters, got %q", v)
				}
				o.hostname = v
			}
		case "--uid", "--gid":
			if v, err = takesValue(); err == nil {
				var n int
				n, err = parseID(name, v)
				if name == "--uid" {
					o.uid = n
				} else {
					o.gid = n
				}
			}
		case "--groups":
			if v, err = takesValue(); err == nil {
				o.groupsSet = true
				o.groups = nil
				for _, part := range strings.Split(v, ",") {
					if part == "" {
						continue
					}
					var n int
					if n, err = parseID(name, part); err != nil {
						break
					}
					o.groups = append(o.groups, n)
				}
			}
		case "--chdir":
			if v, err = takesValue(); err == nil {
				o.chdir, err = absPath(name, v)
			}
		case "--die-with-parent":
			if err = flag(); err == nil {
				o.dieWithParent = true
			}
		default:
			err = fmt.Errorf("unknown option %q", arg)
		}
		if err != nil {
			return nil, err
		}
	}
	if len(o.command) == 0 {
		return nil, errors.New("no command given (put it after --)")
	}
	if o.command[0] == "" {
		return nil, errors.New("empty command name")
	}
	if o.upper != "" && o.rootfs == "" {
		return nil, errors.New("--upper needs --rootfs")
	}
	if len(o.share) > 0 && o.upper == "" {
		return nil, errors.New("--share needs --upper")
	}
	for _, s := range o.share {
		if filepath.Dir(s) != "/" {
			return nil, fmt.Errorf("--share %s: want a top-level directory such as /work", s)
		}
	}
	return o, nil
}

func absPath(flag, p string) (string, error) {
	if !filepath.IsAbs(p) {
		return "", fmt.Errorf("%s: want an absolute path, got %q", flag, p)
	}
	return filepath.Clean(p), nil
}

func parsePair(flag, v string) (mountSpec, error) {
	kind := strings.TrimPrefix(flag, "--")
	src, dst, ok := strings.Cut(v, ":")
	if !ok || strings.Contains(dst, ":") {
		return mountSpec{}, fmt.Errorf("%s: want SRC:DST (paths without ':'), got %q", flag, v)
	}
	var err error
	if src, err = absPath(flag, src); err != nil {
		return mountSpec{}, err
	}
	if dst, err = absPath(flag, dst); err != nil {
		return mountSpec{}, err
	}
	return mountSpec{kind: kind, src: src, dst: dst}, nil
}

func parseID(flag, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 1<<31-2 {
		return 0, fmt.Errorf("%s: want a numeric id, got %q", flag, v)
	}
	return n, nil
}
