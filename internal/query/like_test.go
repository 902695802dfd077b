package query

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// likeRegexp is an independent reference for LIKE without escapes: '%' is
// (?s).*, '_' is one character, anything else is literal.
func likeRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?s)^")
	for _, r := range p {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// TestLikeMatchesRegexp compares LIKE with the regexp reference on random
// patterns and texts over a small alphabet (with a two-byte character, so
// that '_' and literal search meet character boundaries).
func TestLikeMatchesRegexp(t *testing.T) {
	rnd := rand.New(rand.NewPCG(11, 12))
	textRunes := []rune("abé\n")
	patRunes := []rune("abé%_")
	draw := func(alpha []rune, n int) string {
		var b strings.Builder
		for range n {
			b.WriteRune(alpha[rnd.IntN(len(alpha))])
		}
		return b.String()
	}
	for range 20000 {
		p, s := draw(patRunes, rnd.IntN(7)), draw(textRunes, rnd.IntN(12))
		c := compileLike(p, '\\')
		if got, want := c.match(s), likeRegexp(p).MatchString(s); got != want {
			t.Fatalf("%q LIKE %q = %v, want %v", s, p, got, want)
		}
	}
}
