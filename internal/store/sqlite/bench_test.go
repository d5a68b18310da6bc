package sqlite_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ferrygw/ferry/internal/store"
)

func BenchmarkPut1KiB(b *testing.B) {
	be := openB(b)
	v := make([]byte, 1024)
	i := 0
	for b.Loop() {
		key := fmt.Sprintf("k/%d", i%1000)
		i++
		if err := be.Txn(context.Background(), func(tx store.Tx) error { return tx.Put(key, v) }); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGet1KiB(b *testing.B) {
	be := openB(b)
	v := make([]byte, 1024)
	if err := be.Txn(context.Background(), func(tx store.Tx) error { return tx.Put("k", v) }); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		err := be.Txn(context.Background(), func(tx store.Tx) error { _, err := tx.Get("k"); return err })
		if err != nil {
			b.Fatal(err)
		}
	}
}
