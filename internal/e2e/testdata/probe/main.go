// Command probe is a trivial Lambda function for the e2e harness's own
// tests: it echoes its event back with the environment variable PROBE_TAG,
// fails when the event (or an EventBridge event's detail) has "fail": true and sleeps "sleepMillis" first.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

type reply struct {
	Tag            string          `json:"tag"`
	Event          json.RawMessage `json:"event"`
	DeadlineMillis int64           `json:"deadlineMillis"`
}

func handle(ctx context.Context, event json.RawMessage) (reply, error) {
	var ask struct {
		Fail        bool  `json:"fail"`
		SleepMillis int64 `json:"sleepMillis"`
		Detail      *struct {
			Fail bool `json:"fail"`
		} `json:"detail"`
	}
	_ = json.Unmarshal(event, &ask)
	if ask.Detail != nil && ask.Detail.Fail {
		ask.Fail = true
	}
	time.Sleep(time.Duration(ask.SleepMillis) * time.Millisecond)
	if ask.Fail {
		return reply{}, errors.New("probe asked to fail")
	}
	var left int64
	if d, ok := ctx.Deadline(); ok {
		left = time.Until(d).Milliseconds()
	}
	return reply{Tag: os.Getenv("PROBE_TAG"), Event: event, DeadlineMillis: left}, nil
}

func main() { lambda.Start(handle) }
