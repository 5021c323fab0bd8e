package synth

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// maxPatternLen bounds the strings fromPattern builds.
const maxPatternLen = 4096

// fromPattern builds a short string that matches the regular expression
// pattern (when RE2 parses it): each character class gives its first
// character, each repetition its minimum count (once for * when minLen asks
// for more), each alternation its first branch; anchors add nothing. The
// caller checks the result against the pattern, with the ECMAScript engine.
func fromPattern(pattern string, minLen uint64) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	if !emit(&b, re.Simplify()) {
		return "", false
	}
	out := b.String()
	// Pad inside the first repeatable class when too short: repeat the
	// whole string's last rune as a cheap approximation, checked by the
	// caller.
	for uint64(utf8.RuneCountInString(out)) < minLen && len(out) > 0 && len(out) < maxPatternLen {
		r, _ := utf8.DecodeLastRuneInString(out)
		out += string(r)
	}
	return out, true
}

func emit(b *strings.Builder, re *syntax.Regexp) bool {
	if b.Len() > maxPatternLen {
		return false
	}
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			b.WriteRune(r)
		}
	case syntax.OpCharClass:
		if len(re.Rune) == 0 {
			return false
		}
		r := re.Rune[0]
		// Prefer a letter or digit inside the class when it has one.
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			for _, want := range []rune{'a', 'A', '0'} {
				if lo <= want && want <= hi {
					b.WriteRune(want)
					return true
				}
			}
		}
		b.WriteRune(r)
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('a')
	case syntax.OpCapture:
		return emit(b, re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !emit(b, sub) {
				return false
			}
		}
	case syntax.OpAlternate:
		return emit(b, re.Sub[0])
	case syntax.OpStar, syntax.OpQuest:
	case syntax.OpPlus:
		return emit(b, re.Sub[0])
	case syntax.OpRepeat:
		for range re.Min {
			if !emit(b, re.Sub[0]) {
				return false
			}
		}
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
	default:
		return false
	}
	return true
}
