package s3

import (
	"fmt"
	"sync"
	"testing"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

func TestCommitterIsolatesAFailingRequestFromItsBatch(t *testing.T) {
	env := newHarnessEnv(t)
	c := newCommitter(env.Store)
	const n = 50
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = c.do(func(tx *store.Tx) error {
				if err := tx.Put("test.rows", fmt.Sprintf("%03d", i), []byte("x")); err != nil {
					return err
				}
				if i%10 == 0 {
					return fmt.Errorf("request %d fails", i)
				}
				return nil
			})
		}(i)
	}
	wg.Wait()
	rows := map[string]bool{}
	if err := env.Store.View(func(tx *store.Tx) error {
		return tx.Scan("test.rows", "", func(k string, _ []byte) error { rows[k] = true; return nil })
	}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		failed := i%10 == 0
		if (errs[i] != nil) != failed {
			t.Errorf("request %d: err = %v, want failure %v", i, errs[i], failed)
		}
		if rows[fmt.Sprintf("%03d", i)] == failed {
			t.Errorf("request %d: row present = %v, want %v", i, !failed, !failed)
		}
	}
	if err := c.do(func(*store.Tx) error { return nil }); err != nil {
		t.Errorf("a lone request after the batch: %v", err)
	}
}
