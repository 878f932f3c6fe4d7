/**
 * Every z3-solver call of ldfi lives in this file. The rest of the solver sees a small boolean
 * builder (`SatSession`), so the encoding can be read and tested without knowing Z3's API.
 */
import { init, killThreads } from 'z3-solver';

export type Formula = { readonly __formula: unique symbol };
export type RankTerm = { readonly __rank: unique symbol };

export interface SatSession {
  bool(name: string): Formula;
  constant(value: boolean): Formula;
  and(parts: Formula[]): Formula;
  or(parts: Formula[]): Formula;
  not(f: Formula): Formula;
  implies(a: Formula, b: Formula): Formula;
  iff(a: Formula, b: Formula): Formula;
  atMost(parts: Formula[], k: number): Formula;
  atLeast(parts: Formula[], k: number): Formula;
  /**
   * A rank among `count` (a strict order needs no more values): a bit-vector of the fewest bits, so
   * that the whole problem stays propositional for Z3's SAT solver.
   */
  rank(name: string, count: number): RankTerm;
  less(a: RankTerm, b: RankTerm): Formula;
  add(f: Formula): void;
  push(): void;
  pop(): void;
  /**
   * Satisfiable or not. Z3 runs in slices of `CHECK_SLICE_MS` (real ms), the event loop turning
   * between them, so a Ctrl-C is heard during a long check: `stop` is asked after each slice, and
   * 'stopped' returned when it says so. Any other "unknown" from Z3 throws: it is never an "unsat".
   */
  check(stop?: () => boolean): Promise<'sat' | 'unsat' | 'stopped'>;
  /** After a `sat` check: the value of each named boolean. */
  valuesOf(bools: Formula[]): boolean[];
  /** A marker of the objects made so far, for `releaseSince`. */
  mark(): number;
  /** Releases the objects made after `mark` (after a `pop`, no assertion refers to them any more). */
  releaseSince(mark: number): void;
  /** Releases every Z3 object the session made; the session is unusable afterwards. */
  dispose(): void;
}

export interface SatBackend {
  session(): SatSession;
  /** Releases the backend's Z3 context (every object made in it); the last one also ends Z3's
   *  worker threads, without which the process never exits. */
  close(): Promise<void>;
}

type Api = Awaited<ReturnType<typeof init>>;
type Shared = { api: Api; users: number };

let shared: Shared | undefined;
let starting: Promise<Shared> | undefined;

/**
 * Starts Z3 (the WASM module once per process; later callers share it) and returns a backend with a
 * context of its own, so one search's objects never outlive it.
 *
 * ldfi uses Z3's low-level API with explicit reference counts and a *synchronous* check on the main
 * thread: the high-level API releases objects from JavaScript finalizers, which can run while an
 * asynchronous check is in flight on a worker thread, and long searches then corrupted Z3's heap
 * ("memory access out of bounds", "null function or function signature mismatch").
 */
export async function startZ3(): Promise<SatBackend> {
  if (!shared) {
    // Emscripten reports late messages from workers it has just terminated; they are harmless.
    const printErr = (text: string) => {
      if (!/from terminated worker/.test(text)) process.stderr.write(`${text}\n`);
    };
    starting ??= init({ printErr } as Parameters<typeof init>[0]).then((api): Shared => ({ api, users: 0 }));
    shared = await starting;
  }
  const z3 = shared;
  z3.users++;
  const { Z3 } = z3.api;
  // Compacting a model walks every term of the encoding; ldfi reads only the fault variables.
  Z3.global_param_set('model.compact', 'false');
  const cfg = Z3.mk_config();
  const ctx = Z3.mk_context_rc(cfg);
  Z3.del_config(cfg);
  const sessions = new Set<Z3Session>();
  let closed = false;
  return {
    session: () => {
      if (closed) throw new Error('the Z3 backend is closed');
      const s = new Z3Session(z3.api, ctx as unknown as Ptr, () => sessions.delete(s));
      sessions.add(s);
      return s;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const s of [...sessions]) s.dispose();
      Z3.del_context(ctx);
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
 * - `reject`: the check never settles and a promise nobody awaits rejects;
 * - `hard`: the check must also refute a pigeonhole formula (11 pigeons, 10 holes), which keeps Z3
 *   busy for minutes: a long check to interrupt with Ctrl-C.
 */
const injectedFault = /^(throw|trap|reject|hard):(\d+)$/.exec(process.env.LDFI_TEST_SOLVER_FAULT ?? '');
let checks = 0;

/**
 * How long Z3 may check before the event loop turns (real ms): long enough that short checks (almost
 * all) run in one piece, short enough that a Ctrl-C during a long one is heard well within 2 s.
 */
export const CHECK_SLICE_MS = Number(process.env.LDFI_Z3_SLICE_MS ?? 500);

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

/** n pigeons in n - 1 holes, each in some hole, no two in one: unsatisfiable, and hard to refute. */
function pigeonhole(s: SatSession, n: number): Formula {
  const p = (i: number, j: number) => s.bool(`pigeon_${i}_${j}`);
  const holes = Array.from({ length: n - 1 }, (_, j) => j);
  const parts: Formula[] = [];
  for (let i = 0; i < n; i++) parts.push(s.or(holes.map((j) => p(i, j))));
  for (const j of holes) for (let i = 0; i < n; i++) for (let k = i + 1; k < n; k++) parts.push(s.or([s.not(p(i, j)), s.not(p(k, j))]));
  return s.and(parts);
}

type Ptr = number;
const L_TRUE = 1;
const L_FALSE = -1;

/**
 * One incremental solver (Z3's SAT solver for finite domains: no SMT core, no tactic preprocessing,
 * neither of which pays on these propositional problems). Every term it makes is reference-counted
 * and released by `dispose`.
 */
class Z3Session implements SatSession {
  private readonly Z3: Api['Z3'];
  private readonly em: Api['em'];
  private readonly solver: Ptr;
  private readonly owned: Ptr[] = [];
  private readonly boolSort: Ptr;
  private readonly bvSorts = new Map<number, Ptr>();
  private disposed = false;

  constructor(
    api: Api,
    private readonly ctx: Ptr,
    private readonly onDispose: () => void,
  ) {
    this.Z3 = api.Z3;
    this.em = api.em;
    // Z3's SAT solver (the finite-domain logic) rather than its SMT core: the problems are
    // propositional with cardinality constraints, which it handles natively; on Paxos 8/3/1 it
    // halved the solver's time.
    this.solver = this.Z3.mk_solver_for_logic(ctx as never, this.Z3.mk_string_symbol(ctx as never, 'QF_FD')) as unknown as Ptr;
    this.Z3.solver_inc_ref(ctx as never, this.solver as never);
    const params = this.Z3.mk_params(ctx as never);
    this.Z3.params_inc_ref(ctx as never, params);
    this.Z3.params_set_uint(ctx as never, params, this.Z3.mk_string_symbol(ctx as never, 'timeout'), CHECK_SLICE_MS);
    this.Z3.solver_set_params(ctx as never, this.solver as never, params);
    this.Z3.params_dec_ref(ctx as never, params);
    this.boolSort = this.keep(this.Z3.mk_bool_sort(ctx as never));
  }

  /** Takes a reference on a new term so Z3 keeps it until `dispose`. */
  private keep(ast: unknown): Ptr {
    this.checkError();
    const p = ast as Ptr;
    this.Z3.inc_ref(this.ctx as never, p as never);
    this.owned.push(p);
    return p;
  }
  private checkError(): void {
    const code = this.Z3.get_error_code(this.ctx as never);
    if (code !== 0) throw new Error(`Z3 error ${code}: ${this.Z3.get_error_msg(this.ctx as never, code)}`);
  }
  private f(p: Ptr): Formula {
    return p as unknown as Formula;
  }
  private p(f: Formula | RankTerm): never {
    return f as unknown as never;
  }
  private symbol(name: string) {
    return this.Z3.mk_string_symbol(this.ctx as never, name);
  }
  bool(name: string) {
    return this.f(this.keep(this.Z3.mk_const(this.ctx as never, this.symbol(name), this.boolSort as never)));
  }
  constant(value: boolean) {
    return this.f(this.keep(value ? this.Z3.mk_true(this.ctx as never) : this.Z3.mk_false(this.ctx as never)));
  }
  and(parts: Formula[]) {
    if (parts.length === 0) return this.constant(true);
    if (parts.length === 1) return parts[0];
    return this.f(this.keep(this.Z3.mk_and(this.ctx as never, parts as never)));
  }
  or(parts: Formula[]) {
    if (parts.length === 0) return this.constant(false);
    if (parts.length === 1) return parts[0];
    return this.f(this.keep(this.Z3.mk_or(this.ctx as never, parts as never)));
  }
  not(f: Formula) {
    return this.f(this.keep(this.Z3.mk_not(this.ctx as never, this.p(f))));
  }
  implies(a: Formula, b: Formula) {
    return this.f(this.keep(this.Z3.mk_implies(this.ctx as never, this.p(a), this.p(b))));
  }
  iff(a: Formula, b: Formula) {
    return this.f(this.keep(this.Z3.mk_iff(this.ctx as never, this.p(a), this.p(b))));
  }
  atMost(parts: Formula[], k: number) {
    if (parts.length <= k) return this.constant(true);
    return this.f(this.keep(this.Z3.mk_atmost(this.ctx as never, parts as never, k)));
  }
  atLeast(parts: Formula[], k: number) {
    if (k <= 0) return this.constant(true);
    if (parts.length < k) return this.constant(false);
    return this.f(this.keep(this.Z3.mk_atleast(this.ctx as never, parts as never, k)));
  }
  rank(name: string, count: number) {
    const width = Math.max(1, Math.ceil(Math.log2(Math.max(2, count))));
    let sort = this.bvSorts.get(width);
    if (sort === undefined) this.bvSorts.set(width, (sort = this.keep(this.Z3.mk_bv_sort(this.ctx as never, width))));
    return this.keep(this.Z3.mk_const(this.ctx as never, this.symbol(name), sort as never)) as unknown as RankTerm;
  }
  less(a: RankTerm, b: RankTerm) {
    return this.f(this.keep(this.Z3.mk_bvult(this.ctx as never, this.p(a), this.p(b))));
  }
  add(f: Formula) {
    this.Z3.solver_assert(this.ctx as never, this.solver as never, this.p(f));
    this.checkError();
  }
  push() {
    this.Z3.solver_push(this.ctx as never, this.solver as never);
  }
  pop() {
    this.Z3.solver_pop(this.ctx as never, this.solver as never, 1);
  }
  async check(stop?: () => boolean): Promise<'sat' | 'unsat' | 'stopped'> {
    if (injectedFault && ++checks === Number(injectedFault[2])) {
      if (injectedFault[1] !== 'hard') return injectFailure(injectedFault[1]);
      this.push();
      this.add(pigeonhole(this, 11));
      try {
        return await this.sliced(stop);
      } finally {
        this.pop();
      }
    }
    return this.sliced(stop);
  }

  private async sliced(stop?: () => boolean): Promise<'sat' | 'unsat' | 'stopped'> {
    for (;;) {
      // The synchronous entry point: no worker round trip, and no finalizer can run meanwhile.
      const r = (this.em as unknown as { _Z3_solver_check(c: Ptr, s: Ptr): number })._Z3_solver_check(this.ctx, this.solver);
      this.checkError();
      if (r === L_TRUE) return 'sat';
      if (r === L_FALSE) return 'unsat';
      const reason = this.Z3.solver_get_reason_unknown(this.ctx as never, this.solver as never);
      if (!/timeout|canceled/.test(reason)) throw new Error(`Z3 could not decide a query (${reason})`);
      // The slice ran out: let signals be heard, then go on (Z3 keeps what it learned).
      await new Promise((resolve) => setImmediate(resolve));
      if (stop?.()) return 'stopped';
    }
  }
  valuesOf(bools: Formula[]) {
    const model = this.Z3.solver_get_model(this.ctx as never, this.solver as never);
    this.checkError();
    this.Z3.model_inc_ref(this.ctx as never, model);
    try {
      // A constant's interpretation, read directly (model_eval with completion is far slower); a
      // constant the model leaves out is unconstrained, taken as false (no fault).
      return bools.map((x) => {
        const decl = this.Z3.get_app_decl(this.ctx as never, this.Z3.to_app(this.ctx as never, this.p(x)));
        const v = this.Z3.model_get_const_interp(this.ctx as never, model, decl) as unknown as number;
        return v !== 0 && v !== null && this.Z3.get_bool_value(this.ctx as never, v as never) === L_TRUE;
      });
    } finally {
      this.Z3.model_dec_ref(this.ctx as never, model);
    }
  }
  mark() {
    return this.owned.length;
  }
  releaseSince(mark: number) {
    for (let i = mark; i < this.owned.length; i++) this.Z3.dec_ref(this.ctx as never, this.owned[i] as never);
    this.owned.length = Math.min(this.owned.length, mark);
  }
  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of this.owned) this.Z3.dec_ref(this.ctx as never, p as never);
    this.owned.length = 0;
    this.Z3.solver_dec_ref(this.ctx as never, this.solver as never);
    this.onDispose();
  }
}
