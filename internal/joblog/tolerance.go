package joblog

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/batonrun/baton/events"
)

// Tolerable reports whether a range failure with code may count against
// the job's tolerated failures (events.Limits.ToleratedFailureCount and
// ToleratedFailurePercent). Failures about the whole job are never
// tolerated, whatever the limits: the object changed (DESIGN.md invariant
// 3), is missing or cannot be read, a bad query or request, or an exceeded
// threshold itself. Range failures (bad records, a record over the size
// limit, the hop cap, internal errors…) are.
func Tolerable(code string) bool {
	switch code {
	case events.CodeObjectChanged, events.CodeObjectMissing, events.CodeAccessDenied,
		events.CodeBadQuery, events.CodeBadRequest, events.CodeTooManyFailures:
		return false
	}
	return true
}

// TooManyFailures is the terminal JobFailed (code
// events.CodeTooManyFailures, RangeIndex -1) of a job whose failed ranges
// exceed its tolerance: failed of total ranges failed; example is one of
// them, named in the reason with its code and reason.
func TooManyFailures(jobID string, l events.Limits, failed, total int, example events.RangeFailed) events.JobFailed {
	var set []string
	if l.ToleratedFailureCount > 0 {
		set = append(set, fmt.Sprintf("--tolerated-failure-count %d", l.ToleratedFailureCount))
	}
	if l.ToleratedFailurePercent > 0 {
		set = append(set, "--tolerated-failure-percent "+strconv.FormatFloat(l.ToleratedFailurePercent, 'f', -1, 64))
	}
	reason := fmt.Sprintf("%d of %d ranges failed, more than the tolerated failures (%s); range %d: %s: %s",
		failed, total, strings.Join(set, ", "), example.RangeIndex, example.Code, example.Reason)
	return events.JobFailed{SchemaVersion: events.SchemaVersion, JobID: jobID, Code: events.CodeTooManyFailures, Reason: reason, RangeIndex: -1}
}
