import { UserError } from '../../model/errors.ts';

/** The trace id pattern of a system (`traceparent`: W3C trace context). Throws `UserError` if it is not a regular expression with a group. */
export function traceIdPattern(source: string | undefined): RegExp | undefined {
  if (source === undefined) return undefined;
  // As a header (`traceparent: 00-…`) or a JSON field (`"traceparent":"00-…"`).
  if (source === 'traceparent') return /traceparent"?\s*[:=]\s*"?[0-9a-f]{2}-([0-9a-f]{32})-/i;
  let re: RegExp;
  try {
    re = new RegExp(source);
  } catch (e) {
    throw new UserError('BAD_PROGRAM', `traceId: not a regular expression: ${(e as Error).message}`);
  }
  if (new RegExp(`${source}|`).exec('')!.length < 2) throw new UserError('BAD_PROGRAM', `traceId: /${source}/ needs a group, (…), around the trace id`);
  return re;
}
