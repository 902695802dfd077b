package query

import (
	"strings"
	"unicode/utf8"

	"github.com/batonrun/baton/internal/value"
)

// likePattern is a compiled LIKE pattern: '%' matches any run of characters,
// '_' exactly one UTF-8 character, the escape character makes the next
// character literal (a trailing escape is literal). Matching is
// case-sensitive and byte-exact otherwise.
type likePattern struct {
	toks []likeTok
	// shape names a pattern that one strings call decides: '=' (lit),
	// '^' (lit%), '$' (%lit), 'c' (%lit%); 0 for any other.
	shape byte
	lit   string
}

type likeTok struct {
	kind byte // 'l' literal, '_' one char, '%' any run
	lit  string
}

func compileLike(p string, esc rune) likePattern {
	var toks []likeTok
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			toks = append(toks, likeTok{kind: 'l', lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRuneInString(p[i:])
		switch {
		case r == esc && i+size < len(p):
			_, size2 := utf8.DecodeRuneInString(p[i+size:])
			lit.WriteString(p[i+size : i+size+size2])
			i += size + size2
			continue
		case r == '%':
			flush()
			if len(toks) == 0 || toks[len(toks)-1].kind != '%' {
				toks = append(toks, likeTok{kind: '%'})
			}
		case r == '_':
			flush()
			toks = append(toks, likeTok{kind: '_'})
		default:
			lit.WriteString(p[i : i+size])
		}
		i += size
	}
	flush()
	return likePattern{toks: toks, shape: likeShape(toks), lit: firstLit(toks)}
}

// likeShape recognises the patterns of one literal and '%'s at its ends.
func likeShape(toks []likeTok) byte {
	kinds := make([]byte, len(toks))
	for i, t := range toks {
		kinds[i] = t.kind
	}
	switch string(kinds) {
	case "l":
		return '='
	case "l%":
		return '^'
	case "%l":
		return '$'
	case "%l%":
		return 'c'
	}
	return 0
}

func firstLit(toks []likeTok) string {
	for _, t := range toks {
		if t.kind == 'l' {
			return t.lit
		}
	}
	return ""
}

// match reports whether s matches the whole pattern.
func (p *likePattern) match(s string) bool {
	switch p.shape {
	case '=':
		return s == p.lit
	case '^':
		return strings.HasPrefix(s, p.lit)
	case '$':
		return strings.HasSuffix(s, p.lit)
	case 'c':
		return strings.Contains(s, p.lit)
	}
	return matchToks(p.toks, s)
}

func matchToks(toks []likeTok, s string) bool {
	for len(toks) > 0 {
		t := toks[0]
		switch t.kind {
		case 'l':
			if !strings.HasPrefix(s, t.lit) {
				return false
			}
			s = s[len(t.lit):]
		case '_':
			if s == "" {
				return false
			}
			_, size := utf8.DecodeRuneInString(s)
			s = s[size:]
		case '%':
			rest := toks[1:]
			if len(rest) == 0 {
				return true
			}
			if rest[0].kind == 'l' {
				return matchFrom(rest, s)
			}
			for i := 0; i <= len(s); {
				if matchToks(rest, s[i:]) {
					return true
				}
				if i == len(s) {
					break
				}
				_, size := utf8.DecodeRuneInString(s[i:])
				i += size
			}
			return false
		}
		toks = toks[1:]
	}
	return s == ""
}

// matchFrom reports whether some suffix of s matches toks, which start
// with a literal: only the places strings.Index finds the literal at are
// tried. In valid UTF-8 (what the decoder passes on) a literal is found
// only at character boundaries, so no place '%' could not reach is tried.
func matchFrom(toks []likeTok, s string) bool {
	lit := toks[0].lit
	for i := 0; i+len(lit) <= len(s); i++ {
		j := strings.Index(s[i:], lit)
		if j < 0 {
			return false
		}
		i += j
		if matchToks(toks, s[i:]) {
			return true
		}
	}
	return false
}

// likeNode is x [NOT] LIKE pattern [ESCAPE c]. A constant pattern is
// compiled once at Bind.
type likeNode struct {
	x, pat node
	esc    rune
	not    bool
	pre    *likePattern
}

func (n *likeNode) kids() []*node { return []*node{&n.x, &n.pat} }
func (n *likeNode) write(b *strings.Builder, sig bool) {
	writeChild(b, n.x, sig)
	if n.not {
		b.WriteString(" NOT")
	}
	b.WriteString(" LIKE ")
	writeChild(b, n.pat, sig)
	if n.esc != '\\' {
		b.WriteString(" ESCAPE '" + string(n.esc) + "'")
	}
}

func (n *likeNode) eval(e *env) (value.Value, error) {
	t, known, err := n.test(e)
	if err != nil || !known {
		return value.NullValue, err
	}
	return value.FromBool(t), nil
}

func (n *likeNode) test(e *env) (t, known bool, err error) {
	s, null, err := n.operand(e)
	if err != nil || null {
		return false, false, err
	}
	p := n.pre
	if p == nil {
		pv, err := n.pat.eval(e)
		if err != nil || pv.IsNull() {
			return false, false, err
		}
		c := compileLike(pv.String(), n.esc)
		p = &c
	}
	return p.match(s) != n.not, true, nil
}

// operand returns the text LIKE matches: a bare column's Text (from a
// TextRow without a Value), else the value rendered; null reports a Null
// value.
func (n *likeNode) operand(e *env) (s string, null bool, err error) {
	if c, ok := n.x.(*colNode); ok {
		if s, ok := e.columnText(c.slot); ok {
			return s, false, nil
		}
	}
	x, err := evalOperand(n.x, e)
	switch {
	case err != nil || x.Kind == value.Null:
		return "", true, err
	case x.Kind == value.Text:
		return x.S, false, nil
	}
	return x.String(), false, nil
}
