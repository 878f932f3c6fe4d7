import { Session } from 'node:inspector';

/**
 * What V8 keeps of a function's scopes, read through the inspector in this thread: the variables a
 * closure captures, by name, with the live values behind them (closure-state.ts audits them).
 */

/** A variable a reachable function captures, with what it holds. */
export interface Captured {
  readonly name: string;
  /** Where V8 says it lives: `Closure (factory)`, `Module`, `Block`, … */
  readonly scope: string;
  readonly value: unknown;
  readonly primitive: boolean;
}

let session: Session | undefined;
const PROBE_KEY = '__ldfiClosureProbe';

/** Calls the inspector synchronously (a session in this thread answers before `post` returns). */
function post<T>(method: string, params: object): T {
  if (!session) {
    session = new Session();
    session.connect();
  }
  let out: T | undefined;
  let err: Error | null = null;
  session.post(method, params, (e, r) => {
    err = e;
    out = r as T;
  });
  if (err) throw err;
  if (out === undefined) throw new Error(`the inspector did not answer ${method} at once`);
  return out;
}

interface RemoteObject {
  type: string;
  objectId?: string;
  value?: unknown;
  unserializableValue?: string;
  description?: string;
}
interface PropertyDescriptor {
  name: string;
  value?: RemoteObject;
}

/** The variables of a function's scopes (closures, blocks, its module; not the global object), as V8 keeps them. */
export function capturedBy(fn: Function): Captured[] {
  const g = globalThis as Record<string, unknown>;
  g[PROBE_KEY] = fn;
  try {
    const { result } = post<{ result: RemoteObject }>('Runtime.evaluate', { expression: `globalThis.${PROBE_KEY}`, objectGroup: PROBE_KEY });
    const props = post<{ internalProperties?: PropertyDescriptor[] }>('Runtime.getProperties', { objectId: result.objectId, ownProperties: true });
    const scopes = props.internalProperties?.find((p) => p.name === '[[Scopes]]')?.value?.objectId;
    if (!scopes) return [];
    const out: Captured[] = [];
    for (const s of post<{ result: PropertyDescriptor[] }>('Runtime.getProperties', { objectId: scopes, ownProperties: true }).result) {
      const scope = s.value?.description ?? '';
      if (!s.value?.objectId || scope.startsWith('Global')) continue;
      for (const v of post<{ result: PropertyDescriptor[] }>('Runtime.getProperties', { objectId: s.value.objectId, ownProperties: true }).result) {
        if (!v.value) continue;
        const primitive = v.value.type !== 'object' && v.value.type !== 'function';
        out.push({ name: v.name, scope, primitive, value: primitive ? v.value.value : valueOf(v.value) });
      }
    }
    return out;
  } finally {
    delete g[PROBE_KEY];
    post('Runtime.releaseObjectGroup', { objectGroup: PROBE_KEY });
  }
}

/** The live object behind a remote one (null stays null). */
function valueOf(r: RemoteObject): unknown {
  if (!r.objectId) return r.value ?? null;
  post('Runtime.callFunctionOn', { objectId: r.objectId, functionDeclaration: `function () { globalThis.${PROBE_KEY}Value = this; }`, objectGroup: PROBE_KEY });
  const g = globalThis as Record<string, unknown>;
  const v = g[`${PROBE_KEY}Value`];
  delete g[`${PROBE_KEY}Value`];
  return v;
}
