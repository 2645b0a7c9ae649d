package s3

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestPrefixEndIsTheLeastStringAfterEveryKeyWithThePrefix(t *testing.T) {
	for _, tc := range []struct {
		p, want string
		ok      bool
	}{
		{"dir/", "dir0", true},
		{"a", "b", true},
		{"a\xff", "b", true},
		{"a\xff\xff", "b", true},
		{"\xff", "", false},
		{"", "", false},
		{"ü/", "ü0", true},
	} {
		got, ok := prefixEnd(tc.p)
		if got != tc.want || ok != tc.ok {
			t.Errorf("prefixEnd(%q) = %q, %v; want %q, %v", tc.p, got, ok, tc.want, tc.ok)
		}
		if !ok {
			continue
		}
		for _, k := range []string{tc.p, tc.p + "\x00", tc.p + "/x", tc.p + "\xff\xff"} {
			if k >= got {
				t.Errorf("key %q with prefix %q is not below prefixEnd %q", k, tc.p, got)
			}
		}
	}
}

// listLatestBySlice is the listing as it was over a sorted slice of keys,
// one step per key: the reference the B-tree walk must agree with.
func listLatestBySlice(b *bucket, keys []string, p listParams, after string) (objs []*objectVersion, prefixes []string, truncated bool, last string) {
	afterCP := ""
	if cp, ok := commonPrefix(after, p.prefix, p.delimiter); ok && cp == after {
		afterCP = after
	}
	i, _ := slices.BinarySearch(keys, max(p.prefix, after))
	for ; i < len(keys); i++ {
		k := keys[i]
		if !strings.HasPrefix(k, p.prefix) {
			break
		}
		if k == after || (afterCP != "" && strings.HasPrefix(k, afterCP)) {
			continue
		}
		v := b.objects[k][0]
		if v.DeleteMarker {
			continue
		}
		cp, isCP := commonPrefix(k, p.prefix, p.delimiter)
		if isCP && len(prefixes) > 0 && prefixes[len(prefixes)-1] == cp {
			continue
		}
		if len(objs)+len(prefixes) == p.max {
			return objs, prefixes, true, last
		}
		if isCP {
			prefixes, last = append(prefixes, cp), cp
			continue
		}
		objs, last = append(objs, v), k
	}
	return objs, prefixes, false, last
}

func TestListLatestAgreesWithAKeyByKeyWalk(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "/", "-", "ü", "\xff", "ab/"}
	randKey := func(n int) string {
		var sb strings.Builder
		for range 1 + rng.IntN(n) {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return sb.String()
	}
	for round := range 300 {
		b := newBucket(bucketMeta{Name: "b"})
		for i := range 1 + rng.IntN(60) {
			b.insert(&objectVersion{Key: randKey(6), Seq: uint64(i + 1), DeleteMarker: rng.IntN(5) == 0})
		}
		keys := b.keys.set.Keys()
		if !slices.IsSorted(keys) || len(keys) != len(b.objects) {
			t.Fatalf("round %d: index keys %q are not the %d object keys in order", round, keys, len(b.objects))
		}
		for range 20 {
			p := listParams{max: 1 + rng.IntN(5)}
			if rng.IntN(2) == 0 {
				p.prefix = randKey(2)
			}
			if rng.IntN(3) > 0 {
				p.delimiter = []string{"/", "b", "ab", "\xff"}[rng.IntN(4)]
			}
			// Page through, as a client does, resuming after the last entry.
			after := ""
			if rng.IntN(3) == 0 {
				after = randKey(4)
			}
			for page := 0; ; page++ {
				gotObjs, gotPrefixes, gotMore, gotLast := b.listLatest(p, after)
				wantObjs, wantPrefixes, wantMore, wantLast := listLatestBySlice(b, keys, p, after)
				if !slices.Equal(gotObjs, wantObjs) || !slices.Equal(gotPrefixes, wantPrefixes) || gotMore != wantMore || gotLast != wantLast {
					t.Fatalf("round %d, keys %q, prefix %q, delimiter %q, max %d, after %q:\ngot  %s %q %v %q\nwant %s %q %v %q",
						round, keys, p.prefix, p.delimiter, p.max, after,
						keysOf(gotObjs), gotPrefixes, gotMore, gotLast, keysOf(wantObjs), wantPrefixes, wantMore, wantLast)
				}
				if !gotMore || page > 100 {
					break
				}
				after = gotLast
			}
		}
		// Removing keys keeps the index in step with the objects.
		for _, k := range keys {
			if rng.IntN(2) == 0 {
				b.drop(b.objects[k][0])
			}
		}
		if got := b.keys.set.Keys(); len(got) != len(b.objects) {
			t.Fatalf("round %d: after drops the index holds %d keys, the bucket %d objects", round, len(got), len(b.objects))
		}
	}
}

func keysOf(vs []*objectVersion) string {
	ks := make([]string, len(vs))
	for i, v := range vs {
		ks[i] = v.Key
	}
	return fmt.Sprintf("%q", ks)
}
