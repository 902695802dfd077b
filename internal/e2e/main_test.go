package e2e

import (
	"testing"

	"github.com/batonrun/baton/internal/awstest"
)

func TestMain(m *testing.M) { awstest.Main(m) }
