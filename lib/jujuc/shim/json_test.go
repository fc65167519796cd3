package main

import "testing"

func TestRoundTrip(t *testing.T) {
	req := string(buildRequest("c\"1", "relation-set", []string{"a=\u00e9", "b=\x01<"}, "/x", nil))
	want := "{\"contextId\":\"c\\\"1\",\"tool\":\"relation-set\",\"args\":[\"a=\u00e9\",\"b=\\u0001<\"],\"cwd\":\"/x\"}\n"
	if req != want {
		t.Fatalf("request %q, want %q", req, want)
	}
	resp, err := parseResponse([]byte(`{"stdout":"a\u003cb\n\ud83d\ude00","stderr":"ERROR x\n","exitCode":2}` + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.stdout != "a<b\n\U0001F600" || resp.stderr != "ERROR x\n" || resp.exitCode != 2 {
		t.Fatalf("bad response %#v", resp)
	}
	if _, err := parseResponse([]byte(`{"error":"bad request: x"}`)); err != nil {
		t.Fatal(err)
	}
}

func TestWantsStdin(t *testing.T) {
	cases := map[string]bool{}
	check := func(tool string, want bool, args ...string) {
		if got := wantsStdin(tool, args); got != want {
			t.Errorf("wantsStdin(%s, %q) = %v", tool, args, got)
		}
	}
	_ = cases
	check("relation-set", true, "--file", "-")
	check("relation-set", true, "-r", "1", "--file=-")
	check("relation-set", false, "--file", "x.yaml")
	check("relation-set", false, "--", "--file", "-")
	check("state-set", true, "--file", "-")
	check("secret-add", false, "--file", "-")
}
