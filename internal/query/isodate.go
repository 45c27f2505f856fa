package query

import "time"

// isoParser reads the ISO-8601 subset of section 11.1:
// YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]][Z|±HH:MM]], no zone meaning UTC.
type isoParser struct {
	s   string
	pos int
}

// parseISO parses s, returning the instant in UTC.
func parseISO(s string) (time.Time, bool) {
	p := &isoParser{s: s}
	year, ok1 := p.digits(4)
	ok2 := p.lit('-')
	month, ok3 := p.digits(2)
	ok4 := p.lit('-')
	day, ok5 := p.digits(2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5) || year < 1 {
		return time.Time{}, false
	}
	var hour, minute, sec, nsec, offset int
	if p.pos < len(s) {
		var ok bool
		if hour, minute, sec, nsec, offset, ok = p.clock(); !ok {
			return time.Time{}, false
		}
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Year() != year || int(t.Month()) != month || t.Day() != day {
		return time.Time{}, false
	}
	return t.Add(-time.Duration(offset) * time.Second), true
}

// clock reads the part after the date: separator, time and zone.
func (p *isoParser) clock() (hour, minute, sec, nsec, offset int, ok bool) {
	if !p.lit('T') && !p.lit(' ') {
		return
	}
	hour, ok1 := p.digits(2)
	ok2 := p.lit(':')
	minute, ok3 := p.digits(2)
	if !(ok1 && ok2 && ok3) || hour > 23 || minute > 59 {
		return
	}
	if p.lit(':') {
		var okS bool
		if sec, okS = p.digits(2); !okS || sec > 59 {
			return
		}
		if p.lit('.') || p.lit(',') {
			var okF bool
			if nsec, okF = p.fraction(); !okF {
				return
			}
		}
	}
	offset, ok = p.zone()
	return hour, minute, sec, nsec, offset, ok && p.pos == len(p.s)
}

// zone reads an optional Z or ±HH:MM and returns the offset in seconds.
func (p *isoParser) zone() (int, bool) {
	if p.pos == len(p.s) || p.lit('Z') {
		return 0, true
	}
	sign := 1
	switch {
	case p.lit('+'):
	case p.lit('-'):
		sign = -1
	default:
		return 0, false
	}
	h, ok1 := p.digits(2)
	ok2 := p.lit(':')
	m, ok3 := p.digits(2)
	if !(ok1 && ok2 && ok3) || h > 23 || m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}

// fraction reads one or more digits of a second's fraction; digits past
// nanoseconds are dropped.
func (p *isoParser) fraction() (int, bool) {
	start := p.pos
	nsec, scale := 0, 100000000
	for p.pos < len(p.s) && isDigit(p.s[p.pos]) {
		nsec += int(p.s[p.pos]-'0') * scale
		scale /= 10
		p.pos++
	}
	return nsec, p.pos > start
}

func (p *isoParser) digits(n int) (int, bool) {
	if p.pos+n > len(p.s) {
		return 0, false
	}
	v := 0
	for i := 0; i < n; i++ {
		c := p.s[p.pos+i]
		if !isDigit(c) {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	p.pos += n
	return v, true
}

func (p *isoParser) lit(c byte) bool {
	if p.pos < len(p.s) && p.s[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
