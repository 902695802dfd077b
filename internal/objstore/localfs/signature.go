package localfs

import (
	"os"
	"time"
)

// signature is what a file's stat says about its identity and content. Two
// equal signatures taken apart in time mean "probably unchanged"; whether to
// trust that is decided by memoEntry.trusted.
type signature struct {
	Size    int64  `json:"size"`
	MtimeNs int64  `json:"mtimeNs"`
	CtimeNs int64  `json:"ctimeNs"`
	Ino     uint64 `json:"ino"`
	Dev     uint64 `json:"dev"`
}

// changedNs is the latest time the file's content or inode last changed.
func (s signature) changedNs() int64 { return max(s.MtimeNs, s.CtimeNs) }

func signatureOf(fi os.FileInfo) signature {
	s := signature{Size: fi.Size(), MtimeNs: fi.ModTime().UnixNano()}
	addSys(&s, fi)
	return s
}

func statFile(f *os.File) (signature, error) {
	fi, err := f.Stat()
	if err != nil {
		return signature{}, err
	}
	return signatureOf(fi), nil
}

// racyWindow is how close to a file's last change a fingerprint may have
// been taken and still be trusted later on an unchanged signature. File
// timestamps are coarse (a kernel tick, 2 s on FAT), so a rewrite within the
// same tick can keep size, mtime and ctime; a fingerprint taken that soon
// after a change is re-verified, like git's "racily clean" index entries.
const racyWindow = 2 * time.Second
