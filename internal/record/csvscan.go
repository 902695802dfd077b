package record

import (
	"bytes"
	"fmt"
)

// csvScan is the state of finding the end of one CSV record. It validates
// quoting as it goes (RFC 4180 with encoding/csv's strict rules): a quote
// may only open a field, and a closing quote must be followed by a
// delimiter, another quote (escape) or the end of the line.
type csvScan struct {
	r       *Reader
	start   int64 // the record's first byte
	i       int64 // next byte to examine
	inQuote bool
	quoteAt int64 // where the open quoted field began
	nl      int64 // a '\n' at or after i found while unquoted, or -1
}

// csvEnd finds the end of the CSV record starting at start: the first '\n'
// outside quotes.
func (r *Reader) csvEnd(start int64) (end, next int64, err error) {
	if start < r.buf.end() {
		if k := bytes.IndexByte(r.buf.data[start-r.buf.off:], '\n'); k >= 0 {
			if nl := start + int64(k); r.quotes.next(&r.buf, start) > nl {
				return r.finish(start, nl) // the common case: no quote in the record
			}
		}
	}
	s := csvScan{r: r, start: start, i: start, nl: -1}
	for {
		nl, done, err := s.advance()
		if err != nil {
			return 0, 0, err
		}
		if done {
			return r.finish(start, nl)
		}
		if r.buf.end()-start-1 > r.maxRec {
			return 0, 0, &RecordTooLargeError{OffsetBytes: start, LimitBytes: r.maxRec}
		}
		ok, err := r.more(start, start, r.limit(start))
		if err != nil {
			return 0, 0, err
		}
		if !ok {
			if s.inQuote {
				return 0, 0, &RecordError{OffsetBytes: start, Reason: fmt.Sprintf(
					"quoted field opened at byte offset %d is not closed before the end of the object", s.quoteAt)}
			}
			return r.finish(start, r.size)
		}
	}
}

// advance scans the buffered bytes. It returns done with the terminator
// position (a '\n', or the object size), or not done when it needs more bytes.
func (s *csvScan) advance() (nl int64, done bool, err error) {
	for s.i < s.r.buf.end() {
		var wait bool
		if s.inQuote {
			nl, done, wait, err = s.quoted()
		} else {
			nl, done, wait, err = s.unquoted()
		}
		if done || wait || err != nil {
			return nl, done, err
		}
	}
	return 0, false, nil
}

// unquoted scans from i, outside quotes, to the end of the line or the next
// quote, which must open a field.
func (s *csvScan) unquoted() (nl int64, done, wait bool, err error) {
	w := &s.r.buf
	if s.nl < s.i {
		s.nl = -1
		if k := bytes.IndexByte(w.data[s.i-w.off:], '\n'); k >= 0 {
			s.nl = s.i + int64(k)
		}
	}
	stop := w.end()
	if s.nl >= 0 {
		stop = s.nl
	}
	q := bytes.IndexByte(w.slice(s.i, stop), '"')
	if q < 0 {
		if s.nl >= 0 {
			return s.nl, true, false, nil
		}
		s.i = stop
		return 0, false, true, nil
	}
	qp := s.i + int64(q)
	if qp != s.start && w.at(qp-1) != s.r.delim {
		return 0, false, false, &RecordError{OffsetBytes: s.start, Reason: fmt.Sprintf(
			"bare quote at byte offset %d in an unquoted field", qp)}
	}
	s.inQuote, s.quoteAt, s.i = true, qp, qp+1
	return 0, false, false, nil
}

// quoted scans from i, inside quotes, to the next quote and decides whether
// it escapes a quote or closes the field.
func (s *csvScan) quoted() (nl int64, done, wait bool, err error) {
	w := &s.r.buf
	end := w.end()
	k := bytes.IndexByte(w.data[s.i-w.off:], '"')
	if k < 0 {
		s.i = end
		return 0, false, true, nil
	}
	qp := s.i + int64(k)
	if qp+1 >= end { // need the byte after the quote
		s.i = qp
		return s.r.size, end == s.r.size, true, nil
	}
	switch c := w.at(qp + 1); {
	case c == '"':
		s.i = qp + 2
		return 0, false, false, nil
	case c == s.r.delim:
		s.inQuote, s.i = false, qp+2
		return 0, false, false, nil
	case c == '\n':
		return qp + 1, true, false, nil
	case c == '\r' && qp+2 >= end:
		s.i = qp
		return s.r.size, end == s.r.size, true, nil
	case c == '\r' && w.at(qp+2) == '\n':
		return qp + 2, true, false, nil
	}
	return 0, false, false, &RecordError{OffsetBytes: s.start, Reason: fmt.Sprintf(
		"unexpected byte at offset %d after the closing quote (want delimiter or end of line)", qp+1)}
}

// quoteCache remembers where the next '"' is in the window, so that records
// without quotes cost one IndexByte ('\n') each instead of two: the search
// for a quote runs once per stretch of quote-free bytes, not per record.
type quoteCache struct {
	from, at, end int64 // a search from `from` found the first quote at `at`, or none before end (at == end)
}

// next returns the object offset of the first '"' at or after p (p must be
// buffered), or the window's end when the buffered bytes from p hold none.
func (q *quoteCache) next(w *window, p int64) int64 {
	if q.from <= p && p <= q.at && (q.at < q.end || q.end == w.end()) && q.end > 0 {
		return q.at
	}
	q.from, q.end = p, w.end()
	q.at = q.end
	if k := bytes.IndexByte(w.data[p-w.off:], '"'); k >= 0 {
		q.at = p + int64(k)
	}
	return q.at
}
