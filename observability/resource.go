package observability

import (
	"fmt"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
)

// Lambda's reserved environment variables read for the resource; the same
// ones, with the same attributes, as
// go.opentelemetry.io/contrib/detectors/aws/lambda (which reads os.Getenv
// directly, so it is mirrored here to take an injected getenv).
const (
	envFunctionName    = "AWS_LAMBDA_FUNCTION_NAME"
	envRegion          = "AWS_REGION"
	envFunctionVersion = "AWS_LAMBDA_FUNCTION_VERSION"
	envLogStream       = "AWS_LAMBDA_LOG_STREAM_NAME"
	envMemorySize      = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE"
)

// lambdaAttributes returns the Lambda detector's attributes (cloud.provider,
// cloud.region, faas.instance, faas.name, faas.version and, when it parses,
// faas.max_memory), or nil when AWS_LAMBDA_FUNCTION_NAME is unset.
func lambdaAttributes(getenv func(string) string) []attribute.KeyValue {
	name := getenv(envFunctionName)
	if name == "" {
		return nil
	}
	attrs := []attribute.KeyValue{
		semconv.CloudProviderAWS,
		semconv.CloudRegion(getenv(envRegion)),
		semconv.FaaSInstance(getenv(envLogStream)),
		semconv.FaaSName(name),
		semconv.FaaSVersion(getenv(envFunctionVersion)),
	}
	if mem, err := strconv.Atoi(getenv(envMemorySize)); err == nil {
		attrs = append(attrs, semconv.FaaSMaxMemory(mem))
	}
	return attrs
}

// serviceName resolves Options.ServiceName's documented default.
func serviceName(o Options, getenv func(string) string) string {
	if o.ServiceName != "" {
		return o.ServiceName
	}
	if name := getenv(envFunctionName); name != "" {
		return name
	}
	return DefaultServiceName
}

// newResource merges the SDK's default resource (telemetry.sdk.*) with
// service.name and the Lambda attributes.
func newResource(service string, getenv func(string) string) (*resource.Resource, error) {
	attrs := append([]attribute.KeyValue{semconv.ServiceName(service)}, lambdaAttributes(getenv)...)
	r, err := resource.Merge(resource.Default(), resource.NewSchemaless(attrs...))
	if err != nil {
		return nil, fmt.Errorf("observability: building resource: %w", err)
	}
	return r, nil
}
