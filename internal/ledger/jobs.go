package ledger

import (
	"slices"
	"strings"
	"time"
)

// JobSummary describes one job's log for listings such as `baton jobs`.
type JobSummary struct {
	// JobID names the job.
	JobID string `json:"jobId"`
	// FirstTime and LastTime are the smallest and largest Entry.Time in the
	// job's log (UTC); not the append order.
	FirstTime time.Time `json:"firstTime"`
	LastTime  time.Time `json:"lastTime"`
	// Entries is the number of entries in the job's log.
	Entries int `json:"entries"`
}

// SortJobs orders summaries as every adapter's Jobs returns them: newest
// first by FirstTime, ties by JobID ascending.
func SortJobs(js []JobSummary) {
	slices.SortFunc(js, func(a, b JobSummary) int {
		if c := b.FirstTime.Compare(a.FirstTime); c != 0 {
			return c
		}
		return strings.Compare(a.JobID, b.JobID)
	})
}
