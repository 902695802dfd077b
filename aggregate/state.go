package aggregate

import (
	"fmt"
	"math"
	"math/big"

	"github.com/batonrun/baton/internal/value"
)

// Func names an aggregate function.
type Func string

// The aggregate functions a State can compute.
const (
	Count Func = "count"
	Sum   Func = "sum"
	Min   Func = "min"
	Max   Func = "max"
	Avg   Func = "avg"
)

func (f Func) valid() bool {
	switch f {
	case Count, Sum, Min, Max, Avg:
		return true
	}
	return false
}

// State is the mergeable state of one aggregate in one group. Which fields
// are used depends on the Func: Count uses only N; Sum and Avg use N, the
// integer part (Int + Big) and the float part (Float + Comp); Min and Max use
// N and Min or Max. The zero State is an empty aggregate.
type State struct {
	// N counts the inputs: rows for count(*), non-null values otherwise.
	N int64
	// Int and Big hold the exact sum of the Int inputs: Int + Big (Big nil
	// means 0). Big is used only after an int64 overflow.
	Int int64
	Big *big.Int
	// Float and Comp are the Neumaier sum of the Float inputs and its
	// running compensation; HasFloat reports whether any Float was added
	// (then sum and avg are Float).
	Float    float64
	Comp     float64
	HasFloat bool
	// Min and Max are the extremes under CompareValues (Null when N is 0).
	Min, Max value.Value
}

// AddCount counts one input (count).
func (s *State) AddCount() { s.N++ }

// AddNumber adds n, which must be an Int or Float (sum, avg).
func (s *State) AddNumber(n value.Value) {
	if n.Kind == value.Int {
		s.AddInt(n.I)
		return
	}
	s.AddFloat(n.F)
}

// AddInt adds the Int x (sum, avg): AddNumber(value.FromInt(x)).
func (s *State) AddInt(x int64) {
	s.N++
	s.addInt(x)
}

// AddFloat adds the Float x (sum, avg): AddNumber(value.FromFloat(x)).
func (s *State) AddFloat(x float64) {
	s.N++
	s.HasFloat = true
	s.addFloat(x)
}

// AddMin folds v (non-null) into the minimum. A new minimum is kept as
// v.Clone(), so v's text may alias a buffer that is reused afterwards.
func (s *State) AddMin(v value.Value) {
	if s.N == 0 || CompareValues(v, s.Min) < 0 {
		s.Min = v.Clone()
	}
	s.N++
}

// AddMax folds v (non-null) into the maximum, keeping v.Clone() as AddMin.
func (s *State) AddMax(v value.Value) {
	if s.N == 0 || CompareValues(v, s.Max) > 0 {
		s.Max = v.Clone()
	}
	s.N++
}

func (s *State) addInt(x int64) {
	r := s.Int + x
	if (x > 0 && r < s.Int) || (x < 0 && r > s.Int) { // overflow: spill to Big
		b := new(big.Int).SetInt64(s.Int)
		if s.Big != nil {
			b.Add(b, s.Big)
		}
		s.Big = b
		s.Int = x
		return
	}
	s.Int = r
}

func (s *State) addBig(b *big.Int) {
	if b == nil || b.Sign() == 0 {
		return
	}
	n := new(big.Int).Set(b) // never mutate a Big another State may share
	if s.Big != nil {
		n.Add(n, s.Big)
	}
	s.Big = n
}

// addFloat is one Neumaier step.
func (s *State) addFloat(x float64) {
	t := s.Float + x
	if math.Abs(s.Float) >= math.Abs(x) {
		s.Comp += (s.Float - t) + x
	} else {
		s.Comp += (x - t) + s.Float
	}
	s.Float = t
}

// Merge folds o into s for aggregate f.
func (s *State) Merge(f Func, o *State) {
	switch f {
	case Min:
		if o.N > 0 && (s.N == 0 || CompareValues(o.Min, s.Min) < 0) {
			s.Min = o.Min
		}
	case Max:
		if o.N > 0 && (s.N == 0 || CompareValues(o.Max, s.Max) > 0) {
			s.Max = o.Max
		}
	case Sum, Avg:
		s.addInt(o.Int)
		s.addBig(o.Big)
		if o.HasFloat {
			s.HasFloat = true
			s.addFloat(o.Float)
			s.Comp += o.Comp
		}
	}
	s.N += o.N
}

// intTotal returns Int + Big as a big.Int, or nil when it fits int64 (then
// the int64 is returned too).
func (s *State) intTotal() (int64, *big.Int) {
	if s.Big == nil {
		return s.Int, nil
	}
	t := new(big.Int).SetInt64(s.Int)
	t.Add(t, s.Big)
	if t.IsInt64() {
		return t.Int64(), nil
	}
	return 0, t
}

// floatTotal returns the whole sum as a float64.
func (s *State) floatTotal() float64 {
	i, b := s.intTotal()
	var x float64
	if b != nil {
		x, _ = new(big.Float).SetInt(b).Float64()
	} else {
		x = float64(i)
	}
	acc := State{Float: s.Float, Comp: s.Comp}
	acc.addFloat(x)
	return acc.Float + acc.Comp
}

// Result returns the aggregate's value: count is an Int (0 when empty);
// sum, min, max and avg are Null when no non-null input was added. sum is an
// Int when every input was an Int and the total fits int64, Text holding the
// exact decimal digits when an all-Int total does not fit int64 (it still
// reads as a number), and Float when any input was a Float. avg is a Float.
func (s *State) Result(f Func) value.Value {
	if f == Count {
		return value.FromInt(s.N)
	}
	if s.N == 0 {
		return value.NullValue
	}
	switch f {
	case Min:
		return s.Min
	case Max:
		return s.Max
	case Avg:
		return value.FromFloat(s.floatTotal() / float64(s.N))
	}
	if s.HasFloat {
		return value.FromFloat(s.floatTotal())
	}
	i, b := s.intTotal()
	if b != nil {
		return value.FromText(b.String())
	}
	return value.FromInt(i)
}

func (s *State) validate(f Func) error {
	if s.N < 0 {
		return fmt.Errorf("negative count %d", s.N)
	}
	if (f == Min || f == Max) && s.N > 0 && (s.Min.IsNull() && f == Min || s.Max.IsNull() && f == Max) {
		return fmt.Errorf("%s of %d values is null", f, s.N)
	}
	return nil
}
