package main

import (
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"github.com/batonrun/baton/internal/local"
)

// progress draws a byte progress bar on stderr when it is a terminal.
type progress struct {
	w   io.Writer
	bar *progressbar.ProgressBar
	on  bool
}

func newProgress(w io.Writer, quiet bool) *progress {
	f, ok := w.(*os.File)
	on := !quiet && ok && isatty.IsTerminal(f.Fd())
	return &progress{w: w, on: on}
}

func (p *progress) update(s local.Progress) {
	if !p.on || s.BytesTotal == 0 {
		return
	}
	if p.bar == nil {
		p.bar = progressbar.NewOptions64(s.BytesTotal,
			progressbar.OptionSetWriter(p.w), progressbar.OptionShowBytes(true), progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(0), progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish())
	}
	p.bar.Describe(fmt.Sprintf("ranges %d/%d", s.RangesDone, s.Ranges))
	_ = p.bar.Set64(s.BytesDone)
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
		_ = p.bar.Clear()
	}
}
