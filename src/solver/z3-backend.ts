/**
 * Every z3-solver call of ldfi lives in this file. The rest of the solver sees a small boolean
 * builder (`SatSession`), so the encoding can be read and tested without knowing Z3's API.
 */
import { init, killThreads } from 'z3-solver';

export type Formula = { readonly __formula: unique symbol };
export type IntTerm = { readonly __int: unique symbol };

export interface SatSession {
  bool(name: string): Formula;
  constant(value: boolean): Formula;
  and(parts: Formula[]): Formula;
  or(parts: Formula[]): Formula;
  not(f: Formula): Formula;
  implies(a: Formula, b: Formula): Formula;
  atMost(parts: Formula[], k: number): Formula;
  int(name: string): IntTerm;
  less(a: IntTerm, b: IntTerm): Formula;
  add(f: Formula): void;
  push(): void;
  pop(): void;
  check(): Promise<'sat' | 'unsat' | 'unknown'>;
  /** After a `sat` check: the value of each named boolean. */
  valuesOf(bools: Formula[]): boolean[];
}

export interface SatBackend {
  session(): SatSession;
  /** Ends Z3's worker threads; without this the process never exits. */
  close(): Promise<void>;
}

type Api = Awaited<ReturnType<typeof init>>;
type Ctx = ReturnType<Api['Context']> & { __main?: never };
type Shared = { api: Api; ctx: Ctx; users: number };

let shared: Shared | undefined;
let starting: Promise<Shared> | undefined;

/** Starts Z3 (once per process; later callers share it) and returns a backend. */
export async function startZ3(): Promise<SatBackend> {
  if (!shared) {
    // Emscripten reports late messages from workers it has just terminated; they are harmless.
    const printErr = (text: string) => {
      if (!/from terminated worker/.test(text)) process.stderr.write(`${text}\n`);
    };
    starting ??= init({ printErr } as Parameters<typeof init>[0]).then((api): Shared => ({ api, ctx: api.Context('main') as unknown as Ctx, users: 0 }));
    shared = await starting;
  }
  const z3 = shared;
  z3.users++;
  let closed = false;
  return {
    session: () => new Z3Session(z3.ctx),
    close: async () => {
      if (closed) return;
      closed = true;
      z3.users--;
      if (z3.users === 0 && shared === z3) {
        shared = undefined;
        starting = undefined;
        await killThreads(z3.api.em);
      }
    },
  };
}

/**
 * Test hook for ldfi's own failure handling: `LDFI_TEST_SOLVER_FAULT=<how>:<n>` makes the n-th solver
 * check (counted per process, from 1) fail as Z3 has been seen to fail on long searches.
 * - `throw`: the check rejects with a WASM RuntimeError (inside the search's promise chain);
 * - `trap`: the check never settles and the error is thrown from a timer (outside any chain, like a
 *   worker's error);
 * - `reject`: the check never settles and a promise nobody awaits rejects.
 */
const injectedFault = /^(throw|trap|reject):(\d+)$/.exec(process.env.LDFI_TEST_SOLVER_FAULT ?? '');
let checks = 0;

function injectFailure(how: string): Promise<never> {
  const trap = new WebAssembly.RuntimeError('null function or function signature mismatch (injected by LDFI_TEST_SOLVER_FAULT)');
  if (how === 'throw') return Promise.reject(trap);
  if (how === 'trap') {
    setImmediate(() => {
      throw trap;
    });
  } else void Promise.reject(trap);
  return new Promise<never>(() => undefined);
}

class Z3Session implements SatSession {
  private readonly solver;
  constructor(private readonly ctx: Ctx) {
    this.solver = new ctx.Solver();
  }
  private b(f: Formula) {
    return f as unknown as ReturnType<Ctx['Bool']['const']>;
  }
  private f(x: unknown): Formula {
    return x as Formula;
  }
  bool(name: string) {
    return this.f(this.ctx.Bool.const(name));
  }
  constant(value: boolean) {
    return this.f(this.ctx.Bool.val(value));
  }
  and(parts: Formula[]) {
    if (parts.length === 0) return this.constant(true);
    if (parts.length === 1) return parts[0];
    return this.f(this.ctx.And(...parts.map((p) => this.b(p))));
  }
  or(parts: Formula[]) {
    if (parts.length === 0) return this.constant(false);
    if (parts.length === 1) return parts[0];
    return this.f(this.ctx.Or(...parts.map((p) => this.b(p))));
  }
  not(f: Formula) {
    return this.f(this.ctx.Not(this.b(f)));
  }
  implies(a: Formula, b: Formula) {
    return this.f(this.ctx.Implies(this.b(a), this.b(b)));
  }
  atMost(parts: Formula[], k: number) {
    if (parts.length <= k) return this.constant(true);
    const bs = parts.map((p) => this.b(p));
    return this.f(this.ctx.AtMost(bs as [typeof bs[0], ...typeof bs], k));
  }
  int(name: string) {
    return this.ctx.Int.const(name) as unknown as IntTerm;
  }
  less(a: IntTerm, b: IntTerm) {
    type I = ReturnType<Ctx['Int']['const']>;
    return this.f((a as unknown as I).lt(b as unknown as I));
  }
  add(f: Formula) {
    this.solver.add(this.b(f));
  }
  push() {
    this.solver.push();
  }
  pop() {
    this.solver.pop();
  }
  check() {
    if (injectedFault && ++checks === Number(injectedFault[2])) return injectFailure(injectedFault[1]);
    return this.solver.check();
  }
  valuesOf(bools: Formula[]) {
    const model = this.solver.model();
    return bools.map((x) => this.ctx.isTrue(model.eval(this.b(x), true)));
  }
}
