package chaos

import "github.com/batonrun/baton/internal/localrt"

// Runtime returns the runtime faults of the plan for localrt.Options.Faults:
// Recycle for any function's attempt, Kill for attempts of the functions
// named in killable (the range worker: its deadline is the short one).
func (in *Injector) Runtime(killable ...string) localrt.Faults {
	return runtimeFaults{in: in, killable: killable}
}

type runtimeFaults struct {
	in       *Injector
	killable []string
}

// Attempt implements localrt.Faults.
func (r runtimeFaults) Attempt(fn string) localrt.Fault {
	var f localrt.Fault
	if r.in.hit(r.in.plan.Recycle) {
		r.in.st.recycles.Add(1)
		f.Recycle = true
	}
	for _, k := range r.killable {
		if k == fn && r.in.hit(r.in.plan.Kill) {
			r.in.st.kills.Add(1)
			f.Kill = true
		}
	}
	return f
}
