package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	o, err := parseArgs([]string{
		"--netns", "ns1", "--rootfs=/r", "--upper", "/u", "--share", "/work",
		"--bind", "/a:/charm/container", "--ro-bind", "/p:/charm/bin/pebble",
		"--merge", "/img:/usr/local/bin", "--tmpfs", "/scratch", "--uid", "170", "--gid=170",
		"--groups", "1,2", "--chdir", "/", "--die-with-parent", "--", "pebble", "run", "--hold",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []mountSpec{
		{kind: "bind", src: "/a", dst: "/charm/container"},
		{kind: "ro-bind", src: "/p", dst: "/charm/bin/pebble"},
		{kind: "merge", src: "/img", dst: "/usr/local/bin"},
		{kind: "tmpfs", dst: "/scratch"},
	}
	if !reflect.DeepEqual(o.mounts, want) {
		t.Fatalf("mounts %#v", o.mounts)
	}
	if o.netns != "ns1" || !o.netnsEtc || o.rootfs != "/r" || o.upper != "/u" || o.uid != 170 ||
		o.gid != 170 || !reflect.DeepEqual(o.groups, []int{1, 2}) || !o.dieWithParent ||
		!reflect.DeepEqual(o.command, []string{"pebble", "run", "--hold"}) {
		t.Fatalf("options %#v", o)
	}
}

func TestParseArgsRefuses(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--", ""}, "empty command"},
		{[]string{"--netns", "x"}, "no command"},
		{[]string{"--bind", "/a", "--", "x"}, "SRC:DST"},
		{[]string{"--bind", "a:/b", "--", "x"}, "absolute"},
		{[]string{"--upper", "/u", "--", "x"}, "needs --rootfs"},
		{[]string{"--rootfs", "/r", "--upper", "/u", "--share", "/a/b", "--", "x"}, "top-level"},
		{[]string{"--uid", "-1", "--", "x"}, "numeric"},
		{[]string{"--frob", "--", "x"}, "unknown option"},
		{[]string{"--netns", "a/b", "--", "x"}, "namespace name"},
	} {
		_, err := parseArgs(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
}

func TestOverlayEscape(t *testing.T) {
	if got := overlayEscape(`/a,b:c\d`); got != `/a\,b\:c\\d` {
		t.Fatalf("got %q", got)
	}
}
