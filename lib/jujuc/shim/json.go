package main

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string; invalid UTF-8 becomes U+FFFD, as encoding/json does.
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				buf = append(buf, '\\', c)
			case c == '\n':
				buf = append(buf, '\\', 'n')
			case c == '\r':
				buf = append(buf, '\\', 'r')
			case c == '\t':
				buf = append(buf, '\\', 't')
			case c < 0x20:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				buf = append(buf, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, `\ufffd`...)
		} else {
			buf = append(buf, s[i:i+size]...)
		}
		i += size
	}
	return append(buf, '"')
}

// response is the server's answer.
type response struct {
	stdout, stderr, errorText string
	exitCode                  int
}

type parser struct {
	data []byte
	pos  int
}

func (p *parser) fail(what string) error {
	return failure(what + " at offset " + strconv.Itoa(p.pos))
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) expect(c byte) error {
	p.skipSpace()
	if p.pos >= len(p.data) || p.data[p.pos] != c {
		return p.fail("expected " + strconv.QuoteRune(rune(c)))
	}
	p.pos++
	return nil
}

func (p *parser) hex4() (rune, error) {
	if p.pos+4 > len(p.data) {
		return 0, p.fail("short unicode escape")
	}
	v, err := strconv.ParseUint(string(p.data[p.pos:p.pos+4]), 16, 32)
	if err != nil {
		return 0, p.fail("bad unicode escape")
	}
	p.pos += 4
	return rune(v), nil
}

func (p *parser) str() (string, error) {
	if err := p.expect('"'); err != nil {
		return "", err
	}
	out := make([]byte, 0, 64)
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		p.pos++
		switch {
		case c == '"':
			return string(out), nil
		case c != '\\':
			out = append(out, c)
		case p.pos >= len(p.data):
			return "", p.fail("unterminated escape")
		default:
			e := p.data[p.pos]
			p.pos++
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, err := p.hex4()
				if err != nil {
					return "", err
				}
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					if p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
						p.pos += 2
						low, err := p.hex4()
						if err != nil {
							return "", err
						}
						r2 = low
					}
					r = utf16.DecodeRune(r, r2)
				}
				out = utf8.AppendRune(out, r)
			default:
				return "", p.fail("bad escape")
			}
		}
	}
	return "", p.fail("unterminated string")
}

func (p *parser) number() (int, error) {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.data) && (p.data[p.pos] == '-' || (p.data[p.pos] >= '0' && p.data[p.pos] <= '9')) {
		p.pos++
	}
	n, err := strconv.Atoi(string(p.data[start:p.pos]))
	if err != nil {
		return 0, p.fail("bad number")
	}
	return n, nil
}

// parseResponse decodes the server's one-line JSON object.
func parseResponse(data []byte) (response, error) {
	var resp response
	p := &parser{data: data}
	if err := p.expect('{'); err != nil {
		return resp, err
	}
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		return resp, nil
	}
	for {
		key, err := p.str()
		if err != nil {
			return resp, err
		}
		if err := p.expect(':'); err != nil {
			return resp, err
		}
		switch key {
		case "exitCode":
			resp.exitCode, err = p.number()
		case "stdout":
			resp.stdout, err = p.str()
		case "stderr":
			resp.stderr, err = p.str()
		case "error":
			resp.errorText, err = p.str()
		default:
			err = p.fail("unexpected field " + strconv.Quote(key))
		}
		if err != nil {
			return resp, err
		}
		p.skipSpace()
		if p.pos < len(p.data) && p.data[p.pos] == ',' {
			p.pos++
			continue
		}
		return resp, p.expect('}')
	}
}
