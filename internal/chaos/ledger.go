package chaos

import (
	"context"
	"strings"

	"github.com/batonrun/baton/internal/joblog"
	"github.com/batonrun/baton/internal/ledger"
)

// LedgerPort is the ledger as the handlers use it.
type LedgerPort interface {
	Append(ctx context.Context, jobID string, entries ...ledger.Entry) error
	Get(ctx context.Context, jobID, key string) (ledger.Entry, error)
	List(ctx context.Context, jobID, keyPrefix string) ([]ledger.Entry, error)
	Count(ctx context.Context, jobID, keyPrefix string) (int, error)
}

// Ledger wraps a ledger with injected faults. Safe for concurrent use when
// the wrapped ledger is.
type Ledger struct {
	next LedgerPort
	in   *Injector
}

// Ledger wraps l: every call may fail before reaching l (LedgerError); an
// Append may be applied and then fail (LedgerLostResponse); an Append of a
// checkpoint may crash the invocation before or after the commit (Crash).
func (in *Injector) Ledger(l LedgerPort) *Ledger { return &Ledger{next: l, in: in} }

func (l *Ledger) before(op string) error {
	if l.in.hit(l.in.plan.LedgerError) {
		l.in.st.ledgerErrors.Add(1)
		return l.in.transient("ledger " + op)
	}
	return nil
}

// Append implements the ledger port.
func (l *Ledger) Append(ctx context.Context, jobID string, entries ...ledger.Entry) error {
	ckpt := len(entries) > 0 && strings.HasPrefix(entries[0].Key, joblog.PrefixCkpt)
	if ckpt && l.in.hit(l.in.plan.Crash) {
		l.in.st.crashes.Add(1)
		return crash("ledger Append", "before the checkpoint commit")
	}
	if err := l.before("Append"); err != nil {
		return err
	}
	if err := l.next.Append(ctx, jobID, entries...); err != nil {
		return err
	}
	if ckpt && l.in.hit(l.in.plan.Crash) {
		l.in.st.crashes.Add(1)
		return crash("ledger Append", "after the checkpoint commit")
	}
	if l.in.hit(l.in.plan.LedgerLostResponse) {
		l.in.st.lost.Add(1)
		return &Fault{Op: "ledger Append", Kind: "response lost after the write was applied"}
	}
	return nil
}

// Get implements the ledger port.
func (l *Ledger) Get(ctx context.Context, jobID, key string) (ledger.Entry, error) {
	if err := l.before("Get"); err != nil {
		return ledger.Entry{}, err
	}
	return l.next.Get(ctx, jobID, key)
}

// List implements the ledger port.
func (l *Ledger) List(ctx context.Context, jobID, keyPrefix string) ([]ledger.Entry, error) {
	if err := l.before("List"); err != nil {
		return nil, err
	}
	return l.next.List(ctx, jobID, keyPrefix)
}

// Count implements the ledger port.
func (l *Ledger) Count(ctx context.Context, jobID, keyPrefix string) (int, error) {
	if err := l.before("Count"); err != nil {
		return 0, err
	}
	return l.next.Count(ctx, jobID, keyPrefix)
}
