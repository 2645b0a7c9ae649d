package config

import "strings"

// suggest returns the canonical name of the field closest to the unknown
// key, or "" when none is close enough to be a plausible typo. Comparison
// ignores case; ties go to the earlier field, so the result is stable.
// When no sibling is close, a nested key of an object field spelled exactly
// like key (ignoring case) is suggested by its path, so a misplaced
// "memoryMB" at the top level suggests "function.memoryMB".
func suggest(key string, fields []field) string {
	lower := strings.ToLower(key)
	best, bestDist := "", -1
	for _, f := range fields {
		d := editDistance(lower, strings.ToLower(f.name))
		if d <= typoBudget(f.name) && (bestDist < 0 || d < bestDist) {
			best, bestDist = f.name, d
		}
	}
	if best != "" {
		return best
	}
	for _, f := range fields {
		if f.kind != kindObject {
			continue
		}
		if sub, ok := lookup(f.fields, key); ok {
			return f.name + "." + sub.name
		}
	}
	return ""
}

// typoBudget is the largest edit distance still taken for a typo of name:
// one edit per three letters, at least one and at most three.
func typoBudget(name string) int {
	return min(max(len(name)/3, 1), 3)
}

// editDistance is the optimal string alignment distance between a and b:
// the Levenshtein distance with a swap of adjacent letters counting as one
// edit, so "nmae" is one edit from "name". It counts bytes; keys are ASCII.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
