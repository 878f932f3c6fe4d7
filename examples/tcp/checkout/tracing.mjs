// OpenTelemetry's SDK, registered the way a Node service registers it (`node --import ./tracing.mjs
// checkout.mjs`): a tracer provider with its own random trace and span ids, context carried across
// async calls, and W3C trace context (`traceparent`) on every outgoing request. No exporter: ldfi
// reads the trace context on the wire, no tracing backend is needed.
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
trace.setGlobalTracerProvider(new BasicTracerProvider());
