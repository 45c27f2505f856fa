package ejson

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of arrays and objects a message may have.
const MaxDepth = 64

// SyntaxError is a text that is not JSON. Its message is the parser detail
// of "Invalid JSON: <detail>".
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%s at offset %d", e.Msg, e.Offset) }

// FormError is a malformed ejson object such as {"$date": "soon"}.
type FormError struct {
	Key    string // "$date", "$time", ...
	Detail string
}

func (e *FormError) Error() string { return "Error parsing " + e.Key + ": " + e.Detail }

// Decode parses one JSON text and decodes its ejson forms.
func Decode(data []byte) (any, error) { return DecodeLimited(data, 0) }

// DecodeLimited is Decode for a text of at most maxValues JSON values
// (objects, arrays, strings, numbers, literals; 0: any number). A decoded
// value costs far more memory than its text, so a server bounds what an
// unauthenticated client may make it hold.
func DecodeLimited(data []byte, maxValues int) (any, error) {
	p := &parser{data: data, max: maxValues}
	p.skipSpace()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return nil, p.errorf("unexpected data after the top-level value")
	}
	return v, nil
}

type parser struct {
	data  []byte
	pos   int
	count int // values begun so far
	max   int // 0: no limit
}

func (p *parser) errorf(format string, args ...any) error {
	return &SyntaxError{Offset: p.pos, Msg: fmt.Sprintf(format, args...)}
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

func (p *parser) value(depth int) (any, error) {
	if p.pos >= len(p.data) {
		return nil, p.errorf("unexpected end of input")
	}
	if p.count++; p.max > 0 && p.count > p.max {
		return nil, p.errorf("more than %d values", p.max)
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		return p.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return p.literal("true", true)
	case c == 'f':
		return p.literal("false", false)
	case c == 'n':
		return p.literal("null", nil)
	default:
		return nil, p.errorf("unexpected character %s", quoteByte(c, p.data[p.pos:]))
	}
}

func quoteByte(c byte, rest []byte) string {
	r, _ := utf8.DecodeRune(rest)
	if c < utf8.RuneSelf {
		r = rune(c)
	}
	return fmt.Sprintf("%q", r)
}

func (p *parser) literal(word string, v any) (any, error) {
	if len(p.data)-p.pos < len(word) || string(p.data[p.pos:p.pos+len(word)]) != word {
		return nil, p.errorf("invalid literal (expected %s)", word)
	}
	p.pos += len(word)
	return v, nil
}

func (p *parser) object(depth int) (any, error) {
	if depth > MaxDepth {
		return nil, p.errorf("nesting deeper than %d levels", MaxDepth)
	}
	p.pos++ // '{'
	obj := &Object{Keys: make([]string, 0, 4), Vals: make([]any, 0, 4)}
	p.skipSpace()
	if p.peek() == '}' {
		p.pos++
		return decodeForm(obj)
	}
	for {
		p.skipSpace()
		if p.peek() != '"' {
			return nil, p.errorf("expected a string object key")
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.peek() != ':' {
			return nil, p.errorf("expected ':' after an object key")
		}
		p.pos++
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		obj.set(key.(string), v)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return decodeForm(obj)
		default:
			return nil, p.errorf("expected ',' or '}' in an object")
		}
	}
}

func (p *parser) array(depth int) (any, error) {
	if depth > MaxDepth {
		return nil, p.errorf("nesting deeper than %d levels", MaxDepth)
	}
	p.pos++ // '['
	arr := []any{}
	p.skipSpace()
	if p.peek() == ']' {
		p.pos++
		return arr, nil
	}
	for {
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return arr, nil
		default:
			return nil, p.errorf("expected ',' or ']' in an array")
		}
	}
}

// peek returns the current byte, or 0 at the end of input.
func (p *parser) peek() byte {
	if p.pos < len(p.data) {
		return p.data[p.pos]
	}
	return 0
}

func (p *parser) str() (any, error) {
	start := p.pos
	p.pos++ // '"'
	escaped := false
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			raw := p.data[start:p.pos]
			if !escaped {
				return string(raw[1 : len(raw)-1]), nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, &SyntaxError{Offset: start, Msg: "invalid string escape"}
			}
			return s, nil
		case c == '\\':
			if err := p.escape(); err != nil {
				return nil, err
			}
			escaped = true
		case c < 0x20:
			return nil, p.errorf("control character in a string")
		default:
			p.pos++
		}
	}
	return nil, p.errorf("unterminated string")
}

// escape checks the escape sequence at p.pos and steps over it.
func (p *parser) escape() error {
	if p.pos+1 >= len(p.data) {
		return p.errorf("unterminated string")
	}
	switch p.data[p.pos+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		p.pos += 2
		return nil
	case 'u':
		if p.pos+6 > len(p.data) {
			return p.errorf("invalid \\u escape")
		}
		for _, h := range p.data[p.pos+2 : p.pos+6] {
			if !isHex(h) {
				return p.errorf("invalid \\u escape")
			}
		}
		p.pos += 6
		return nil
	}
	return p.errorf("invalid escape character")
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func (p *parser) number() (any, error) {
	start := p.pos
	if p.peek() == '-' {
		p.pos++
	}
	switch c := p.peek(); {
	case c == '0':
		p.pos++
	case c >= '1' && c <= '9':
		p.digits()
	default:
		return nil, p.errorf("invalid number")
	}
	if p.peek() == '.' {
		p.pos++
		if !isDigit(p.peek()) {
			return nil, p.errorf("invalid number (digit expected after '.')")
		}
		p.digits()
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		p.pos++
		if c := p.peek(); c == '+' || c == '-' {
			p.pos++
		}
		if !isDigit(p.peek()) {
			return nil, p.errorf("invalid number (digit expected in exponent)")
		}
		p.digits()
	}
	return json.Number(p.data[start:p.pos]), nil
}

func (p *parser) digits() {
	for isDigit(p.peek()) {
		p.pos++
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// IsFormError reports whether err is a malformed ejson object.
func IsFormError(err error) bool {
	var fe *FormError
	return errors.As(err, &fe)
}
