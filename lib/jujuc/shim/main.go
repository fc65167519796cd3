// Command jujuc-shim is every Juju hook tool at once: a tools directory holds one symlink per
// tool name pointing at this binary, and the name it was started as (the base name of argv[0])
// is the tool to run. It forwards the call to the hook-tool server of lib/jujuc over the Unix
// socket in JUJU_AGENT_SOCKET_ADDRESS, with the context id in JUJU_CONTEXT_ID, then prints what
// the server answered and exits with its exit code, as Juju's own jujuc client does.
//
// Protocol (one connection per call, one JSON line each way):
//
//	request:  {"contextId":"...","tool":"relation-get","args":["-r","db:1"],"cwd":"/abs/dir","stdin":"..."}
//	response: {"stdout":"...","stderr":"...","exitCode":0}  or  {"error":"bad request: ..."}
//
// Standard input is read and sent only for `relation-set` and `state-set` given `--file -` or
// `--file=-`, the only tools that read it. Failures of the client itself print
// `error: <message>` and exit 1, like Juju's client.
//
// The program uses only os, syscall, strconv and unicode/utf8 (no net, fmt or encoding/json):
// a hook calls many tools, and every millisecond of start-up counts.
package main

import (
	"io"
	"os"
	"strconv"
	"syscall"
)

// stdinTools are the tools that read standard input for `--file -`.
var stdinTools = map[string]bool{"relation-set": true, "state-set": true}

func wantsStdin(tool string, args []string) bool {
	if !stdinTools[tool] {
		return false
	}
	for i, arg := range args {
		if arg == "--" {
			return false
		}
		if arg == "--file=-" || (arg == "--file" && i+1 < len(args) && args[i+1] == "-") {
			return true
		}
	}
	return false
}

type failure string

func (f failure) Error() string { return string(f) }

func getenv(name string) (string, error) {
	value := os.Getenv(name)
	if value == "" {
		return "", failure(name + " not set")
	}
	return value, nil
}

func baseName(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			return path[i+1:]
		}
	}
	return path
}

func buildRequest(contextID, tool string, args []string, cwd string, stdin *string) []byte {
	buf := make([]byte, 0, 256)
	buf = append(buf, `{"contextId":`...)
	buf = appendString(buf, contextID)
	buf = append(buf, `,"tool":`...)
	buf = appendString(buf, tool)
	buf = append(buf, `,"args":[`...)
	for i, arg := range args {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendString(buf, arg)
	}
	buf = append(buf, `],"cwd":`...)
	buf = appendString(buf, cwd)
	if stdin != nil {
		buf = append(buf, `,"stdin":`...)
		buf = appendString(buf, *stdin)
	}
	return append(buf, '}', '\n')
}

func dial(network, address string) (int, error) {
	if network != "unix" {
		return -1, failure("unsupported socket network " + strconv.Quote(network))
	}
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	for {
		err = syscall.Connect(fd, &syscall.SockaddrUnix{Name: address})
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		syscall.Close(fd)
		return -1, failure("dial unix " + address + ": connect: " + err.Error())
	}
	return fd, nil
}

func writeAll(fd int, data []byte) error {
	for len(data) > 0 {
		n, err := syscall.Write(fd, data)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

func readLine(fd int) ([]byte, error) {
	out := make([]byte, 0, 4096)
	chunk := make([]byte, 64*1024)
	for {
		n, err := syscall.Read(fd, chunk)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return out, nil
		}
		out = append(out, chunk[:n]...)
		if chunk[n-1] == '\n' {
			return out, nil
		}
	}
}

func run() (int, error) {
	tool := baseName(os.Args[0])
	args := os.Args[1:]
	contextID, err := getenv("JUJU_CONTEXT_ID")
	if err != nil {
		return 1, err
	}
	cwd, err := os.Getwd()
	if err != nil {
		return 1, err
	}
	address, err := getenv("JUJU_AGENT_SOCKET_ADDRESS")
	if err != nil {
		return 1, err
	}
	network := os.Getenv("JUJU_AGENT_SOCKET_NETWORK")
	if network == "" {
		network = "unix"
	}
	var stdin *string
	if wantsStdin(tool, args) {
		data, err := io.ReadAll(os.Stdin)
		if err != nil {
			return 1, failure("cannot read stdin: " + err.Error())
		}
		text := string(data)
		stdin = &text
	}
	fd, err := dial(network, address)
	if err != nil {
		return 1, err
	}
	defer syscall.Close(fd)
	if err := writeAll(fd, buildRequest(contextID, tool, args, cwd, stdin)); err != nil {
		return 1, failure("sending hook tool request: " + err.Error())
	}
	line, err := readLine(fd)
	if err != nil {
		return 1, failure("reading hook tool response: " + err.Error())
	}
	resp, err := parseResponse(line)
	if err != nil {
		return 1, failure("decoding hook tool response: " + err.Error())
	}
	if resp.errorText != "" {
		return 1, failure(resp.errorText)
	}
	os.Stdout.WriteString(resp.stdout)
	os.Stderr.WriteString(resp.stderr)
	return resp.exitCode, nil
}

func main() {
	code, err := run()
	if err != nil {
		os.Stderr.WriteString("error: " + err.Error() + "\n")
	}
	os.Exit(code)
}
