package deploy

import "strconv"

// minWorkerMemoryMB is the least memory a range worker may have, in MB: it
// holds a 64 MiB warm cache, up to 64 MiB of S3 read-ahead and one batch
// (4 MiB by default) besides the Go runtime and the query's state.
const minWorkerMemoryMB = 512

// checkMemory: the worker's MemorySize is at least minWorkerMemoryMB, both
// as a literal and, when it is a Ref to a parameter, as that parameter's
// MinValue and Default (so no deploy can choose less).
func checkMemory(t tree) []error {
	var p problems
	for id, name := range functionsByID(t) {
		if name != worker {
			continue
		}
		mem := fnProp(t, id, "MemorySize")
		param := refTo(mem, "")
		if param == "" {
			atLeast(&p, id, "MemorySize", mem)
			continue
		}
		where := "Parameters." + param
		if get(t, "Parameters", param) == nil {
			p.add(id, "MemorySize refers to %s, which is not a parameter", param)
			continue
		}
		atLeast(&p, where, "MinValue", get(t, "Parameters", param, "MinValue"))
		atLeast(&p, where, "Default", get(t, "Parameters", param, "Default"))
	}
	return p
}

// atLeast reports field unless v is a whole number of MB at least
// minWorkerMemoryMB.
func atLeast(p *problems, where, field string, v any) {
	s, _ := v.(string)
	if n, err := strconv.Atoi(s); err != nil || n < minWorkerMemoryMB {
		p.add(where, "%s is %v, want at least %d MB (warm cache, read-ahead and a batch)", field, v, minWorkerMemoryMB)
	}
}
