package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/ferrygw/ferry/internal/store"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// busyTimeoutMillis is how long a connection waits for another process's
// write lock before giving up. Two ferry processes on one file is a mistake
// we want to survive briefly (a restart overlapping a shutdown), not a mode
// of operation, so a few seconds is enough.
const busyTimeoutMillis = 5000

// Backend is a store.Backend on one SQLite file.
type Backend struct {
	db   *sql.DB
	ro   *sql.DB // query-only connections for View
	path string
	// writeMu serialises transactions inside this process. SQLite has one
	// writer at a time anyway; queueing here instead of inside SQLite's busy
	// handler keeps many goroutines from sleeping and retrying against each
	// other and from hitting the busy timeout under load.
	writeMu sync.Mutex
}

var (
	_ store.Backend = (*Backend)(nil)
	_ store.Viewer  = (*Backend)(nil)
)

// Open opens (creating if needed) the database file at path and brings its
// schema up to date. A new file is created with mode 0600 inside a 0700
// directory because it holds API keys and sealed secrets.
func Open(path string) (*Backend, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	if strings.ContainsAny(path, "?#") {
		// The driver reads everything after '?' as connection parameters.
		return nil, fmt.Errorf("sqlite: database path %q must not contain '?' or '#'", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: database path %q: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: create directory for %s: %w", abs, err)
	}
	// Create the file ourselves so its mode is 0600 whatever the umask
	// allows; SQLite gives the -wal and -shm files the same mode.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", abs, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", abs, err)
	}

	dsn := fmt.Sprintf("%s?_busy_timeout=%d&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate",
		abs, busyTimeoutMillis)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", abs, err)
	}
	// Writers are serialised by writeMu, so one connection would do; a
	// second lets Revision polls go on while a write is in flight.
	db.SetMaxOpenConns(2)
	db.SetMaxIdleConns(2)
	b := &Backend{db: db, path: abs}
	if err := b.migrate(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", abs, err)
	}
	// Readers get their own pool: in WAL mode a deferred read transaction
	// sees a snapshot and never waits for the writer.
	ro, err := sql.Open("sqlite", fmt.Sprintf("%s?_busy_timeout=%d&_query_only=1&_txlock=deferred", abs, busyTimeoutMillis))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", abs, err)
	}
	ro.SetMaxOpenConns(8)
	ro.SetMaxIdleConns(8)
	b.ro = ro
	return b, nil
}

// Path returns the absolute path of the database file.
func (b *Backend) Path() string { return b.path }

// Close closes the database.
func (b *Backend) Close() error { return errors.Join(b.ro.Close(), b.db.Close()) }

// View runs fn in a read-only transaction on a snapshot of the database,
// concurrently with other readers and with the writer.
func (b *Backend) View(ctx context.Context, fn func(tx store.Tx) error) error {
	sqlTx, err := b.ro.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin read: %w", err)
	}
	// Rollback is how a read transaction ends: there is nothing to commit.
	defer sqlTx.Rollback()
	t := &tx{ctx: ctx, tx: sqlTx, readOnly: true}
	err = fn(t)
	t.done = true
	return err
}

// Revision returns the number of committed transactions that wrote something.
func (b *Backend) Revision(ctx context.Context) (int64, error) {
	var rev int64
	if err := b.db.QueryRowContext(ctx, `SELECT value FROM revision WHERE id = 1`).Scan(&rev); err != nil {
		return 0, fmt.Errorf("sqlite: read revision: %w", err)
	}
	return rev, nil
}

// Txn runs fn in one IMMEDIATE transaction: the write lock is taken at the
// start, so fn never fails halfway on a lock upgrade. Any error from fn rolls
// everything back; a transaction that wrote anything bumps the revision in
// the same commit.
func (b *Backend) Txn(ctx context.Context, fn func(tx store.Tx) error) error {
	return b.txn(ctx, fn, true)
}

// QuietTxn is Txn without advancing the revision: for writes that are not
// configuration (usage-plan counters), so that they do not make the
// gateway reload.
func (b *Backend) QuietTxn(ctx context.Context, fn func(tx store.Tx) error) error {
	return b.txn(ctx, fn, false)
}

var _ store.QuietTxner = (*Backend)(nil)

func (b *Backend) txn(ctx context.Context, fn func(tx store.Tx) error, bump bool) error {
	b.writeMu.Lock()
	defer b.writeMu.Unlock()
	sqlTx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	// Also covers a panic in fn: the connection must not go back to the
	// pool with a transaction open.
	defer sqlTx.Rollback()
	t := &tx{ctx: ctx, tx: sqlTx}
	err = fn(t)
	t.done = true
	if err != nil {
		return err
	}
	if t.wrote && bump {
		if _, err := sqlTx.ExecContext(ctx, `UPDATE revision SET value = value + 1 WHERE id = 1`); err != nil {
			return fmt.Errorf("sqlite: bump revision: %w", err)
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// tx is one transaction's view. It refuses use after Txn has returned, so a
// closure that leaks it fails loudly instead of writing outside the commit.
type tx struct {
	ctx      context.Context
	tx       *sql.Tx
	wrote    bool
	done     bool
	readOnly bool
}

var (
	errTxDone   = errors.New("sqlite: transaction used after Txn returned")
	errReadOnly = errors.New("sqlite: write in a read-only View")
)

func (t *tx) Get(key string) ([]byte, error) {
	if t.done {
		return nil, errTxDone
	}
	var v []byte
	err := t.tx.QueryRowContext(t.ctx, `SELECT value FROM kv WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("key %q: %w", key, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get %q: %w", key, err)
	}
	if v == nil {
		v = []byte{}
	}
	return v, nil
}

func (t *tx) Put(key string, value []byte) error {
	if t.done {
		return errTxDone
	}
	if t.readOnly {
		return errReadOnly
	}
	if key == "" {
		return errors.New("sqlite: put: empty key")
	}
	if value == nil {
		value = []byte{}
	}
	_, err := t.tx.ExecContext(t.ctx,
		`INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		key, value)
	if err != nil {
		return fmt.Errorf("sqlite: put %q: %w", key, err)
	}
	t.wrote = true
	return nil
}

func (t *tx) Delete(key string) error {
	if t.done {
		return errTxDone
	}
	if t.readOnly {
		return errReadOnly
	}
	res, err := t.tx.ExecContext(t.ctx, `DELETE FROM kv WHERE key = ?`, key)
	if err != nil {
		return fmt.Errorf("sqlite: delete %q: %w", key, err)
	}
	if n, err := res.RowsAffected(); err == nil && n > 0 {
		t.wrote = true
	}
	return nil
}

func (t *tx) List(prefix string) ([]string, error) {
	if t.done {
		return nil, errTxDone
	}
	var (
		rows *sql.Rows
		err  error
	)
	// A range scan on the primary key instead of LIKE: LIKE treats '%' and
	// '_' in the prefix as wildcards and is case-insensitive for ASCII.
	if end, ok := prefixEnd(prefix); ok {
		rows, err = t.tx.QueryContext(t.ctx,
			`SELECT key FROM kv WHERE key >= ? AND key < ? ORDER BY key`, prefix, end)
	} else {
		rows, err = t.tx.QueryContext(t.ctx,
			`SELECT key FROM kv WHERE key >= ? ORDER BY key`, prefix)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: list %q: %w", prefix, err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("sqlite: list %q: %w", prefix, err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list %q: %w", prefix, err)
	}
	return keys, nil
}

// Scan implements store.Scanner: one range query for keys and values.
func (t *tx) Scan(prefix string, fn func(key string, value []byte) error) error {
	if t.done {
		return errTxDone
	}
	var (
		rows *sql.Rows
		err  error
	)
	if end, ok := prefixEnd(prefix); ok {
		rows, err = t.tx.QueryContext(t.ctx,
			`SELECT key, value FROM kv WHERE key >= ? AND key < ? ORDER BY key`, prefix, end)
	} else {
		rows, err = t.tx.QueryContext(t.ctx,
			`SELECT key, value FROM kv WHERE key >= ? ORDER BY key`, prefix)
	}
	if err != nil {
		return fmt.Errorf("sqlite: scan %q: %w", prefix, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			k string
			v []byte
		)
		if err := rows.Scan(&k, &v); err != nil {
			return fmt.Errorf("sqlite: scan %q: %w", prefix, err)
		}
		if err := fn(k, v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: scan %q: %w", prefix, err)
	}
	return nil
}

var _ store.Scanner = (*tx)(nil)

// prefixEnd returns the smallest string greater than every string that starts
// with prefix, or false when there is none (empty prefix, or all 0xff bytes).
func prefixEnd(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}
