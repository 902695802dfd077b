//go:build linux

package localfs

import (
	"os"
	"syscall"
)

func addSys(s *signature, fi os.FileInfo) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		s.CtimeNs = st.Ctim.Nano()
		s.Ino = st.Ino
		s.Dev = uint64(st.Dev) //nolint:unconvert // int32 on some architectures
	}
}
