import { UserError } from '../../model/errors.ts';

/** The trace a message, input or output belongs to, and (W3C trace context) the span that sent it. */
export interface TraceContext {
  readonly trace: string;
  readonly span?: string;
}

/** Reads the trace context a text carries, if any. */
export type TraceReader = (text: string) => TraceContext | undefined;

// W3C trace context, as a header (`traceparent: 00-<trace-id>-<parent-id>-01`) or a JSON field.
const TRACEPARENT = /traceparent"?\s*[:=]\s*"?[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-/i;
// OpenTelemetry's log correlation (`trace_id`, `span_id`, or camel case), on an output line.
const LOG_TRACE = /"?trace_?id"?\s*[:=]\s*"?([0-9a-f]{32})\b/i;
const LOG_SPAN = /"?span_?id"?\s*[:=]\s*"?([0-9a-f]{16})\b/i;

/**
 * The trace reader of a system's `traceId`: `traceparent` reads W3C trace context (the trace id and
 * the sender's span id), or on an output line OpenTelemetry's log correlation fields (`trace_id`,
 * `span_id`); any other string is a regular expression whose first group is the trace id. Throws
 * `UserError` if it is not a regular expression with a group.
 */
export function traceReader(source: string | undefined): TraceReader | undefined {
  if (source === undefined) return undefined;
  if (source === 'traceparent') {
    return (text) => {
      const header = TRACEPARENT.exec(text);
      if (header) return { trace: header[1].toLowerCase(), span: header[2].toLowerCase() };
      const trace = LOG_TRACE.exec(text)?.[1];
      if (trace === undefined) return undefined;
      const span = LOG_SPAN.exec(text)?.[1];
      return { trace: trace.toLowerCase(), ...(span ? { span: span.toLowerCase() } : {}) };
    };
  }
  let re: RegExp;
  try {
    re = new RegExp(source);
  } catch (e) {
    throw new UserError('BAD_PROGRAM', `traceId: not a regular expression: ${(e as Error).message}`);
  }
  if (new RegExp(`${source}|`).exec('')!.length < 2) throw new UserError('BAD_PROGRAM', `traceId: /${source}/ needs a group, (…), around the trace id`);
  return (text) => {
    const trace = re.exec(text)?.[1];
    return trace === undefined ? undefined : { trace };
  };
}
