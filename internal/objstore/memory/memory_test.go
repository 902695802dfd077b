package memory_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonrun/baton/internal/objstore/memory"
	"github.com/batonrun/baton/internal/objstore/objstoretest"
)

func TestConformance(t *testing.T) {
	for _, versioning := range []bool{false, true} {
		t.Run(map[bool]string{false: "Unversioned", true: "Versioned"}[versioning], func(t *testing.T) {
			f := objstoretest.Features{Versioning: versioning}
			objstoretest.Run(t, f, func(t *testing.T) (objstoretest.Store, objstoretest.Put) {
				s := memory.New(memory.Options{Versioning: versioning})
				return s, func(name string, data []byte) (string, string) {
					s.Put("bucket", name, data)
					return "bucket", name
				}
			})
		})
	}
}

func TestCallsRecordRequests(t *testing.T) {
	s := memory.New(memory.Options{})
	ref := s.Put("b", "k", []byte("0123456789"))
	ctx := context.Background()
	_, _ = s.Head(ctx, "b", "k", "")
	_, _ = s.ReadRange(ctx, ref, 2, 3)
	_, _ = s.ReadRange(ctx, ref, 8, 100)
	want := []memory.Call{
		{Op: "Head", Bucket: "b", Key: "k"},
		{Op: "ReadRange", Bucket: "b", Key: "k", ETag: ref.ETag, OffsetBytes: 2, LengthBytes: 3},
		{Op: "ReadRange", Bucket: "b", Key: "k", ETag: ref.ETag, OffsetBytes: 8, LengthBytes: 100},
	}
	if d := cmp.Diff(want, s.Calls()); d != "" {
		t.Errorf("Calls (-want +got):\n%s", d)
	}
	s.ResetCalls()
	if n := len(s.Calls()); n != 0 {
		t.Errorf("after ResetCalls: %d calls", n)
	}
}
