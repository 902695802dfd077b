// Package observability is the one place that wires the OpenTelemetry SDK
// for Baton: the tracer provider (X-Ray compatible trace ids, a resource
// with the service name and, on Lambda, the function's attributes), the
// composite propagator (W3C trace context, baggage and X-Ray), the meter
// provider exported as CloudWatch Embedded Metric Format lines, a log/slog
// handler in the shape of Lambda's JSON log format, and the local span file
// format with its reader.
//
// Domain code imports only the OpenTelemetry API and receives the providers
// built here through its Options.
//
// Lifecycle: call [Providers.ForceFlush] at the end of every invocation and
// never Shutdown. Lambda freezes the execution environment as soon as the
// handler returns and may thaw it for the next invocation (or never), so
// anything still buffered would be lost or delayed; a shut-down provider
// would drop every span of the following warm invocations.
package observability
