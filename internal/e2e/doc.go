// Package e2e is Baton's end-to-end test on emulated AWS: the three real
// function binaries run under the AWS Lambda Runtime Interface Emulator,
// one emulator process per "container", behind EventBridge rules taken
// from deploy/template.yaml and created in moto (with SQS queues as rule
// targets and a dispatcher in the test standing in for Lambda's async
// invoke), S3 in moto and the ledger in DynamoDB Local.
//
// The package has no exported API; everything is in its tests.
package e2e
