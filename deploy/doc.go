// Package deploy holds Baton's AWS stack: template.yaml, an AWS SAM
// template for the splitter, worker and aggregator functions, their event
// routing, dead-letter queues, buckets and ledger table. The package has no
// code of its own; its tests parse the template and check the rules the
// functions depend on (routing by detail-type, retry limits and dead
// letters, least-privilege IAM, the environment each function reads, a
// versioned input bucket whose every version the readers may get, a ledger
// and input bucket retained when the stack goes, the worker's memory floor)
// and run cfn-lint on it.
package deploy
