import type { Payload } from '../code/outputs.ts';

/**
 * Node state kept through ldfi (`ctx.state`, and the second argument of `node(id, state)`): registers,
 * maps and sets whose every read and write the simulator records against the handler call that made
 * it. That is what makes lineage precise for code: a send or an output depends on its handler call's
 * trigger and on the calls that wrote the values it read, not on everything the node ever saw.
 *
 * Values are copied on write (through JSON, as payloads are) and frozen, so a value read cannot be
 * changed behind the store's back: write a new one instead. Keys of maps and sets are strings or
 * numbers. Iteration follows insertion order, as JavaScript's Map does.
 */
export interface NodeState {
  /** One value; `get()` is `undefined` until it is set. */
  register<T extends Payload = Payload>(name: string, options?: StateOptions): Register<T>;
  map<K extends string | number = string, V extends Payload = Payload>(name: string, options?: StateOptions): StateMap<K, V>;
  set<T extends string | number = string>(name: string, options?: StateOptions): StateSet<T>;
}

export interface StateOptions {
  /**
   * Kept across a restart (`restart` fault): what a node writes to disk. Everything else is volatile
   * and lost when the node restarts. Default false.
   */
  readonly durable?: boolean;
}

export interface Register<T> {
  get(): T | undefined;
  set(value: T): void;
  /** Back to `undefined`. */
  clear(): void;
}

export interface StateMap<K extends string | number, V> {
  get(key: K): V | undefined;
  has(key: K): boolean;
  set(key: K, value: V): void;
  /** True if the key was there. */
  delete(key: K): boolean;
  readonly size: number;
  keys(): K[];
  values(): V[];
  entries(): [K, V][];
  /** Entries in insertion order, each read as it is reached (an action in the loop depends on the entries before it only). */
  [Symbol.iterator](): Iterator<[K, V]>;
}

export interface StateSet<T extends string | number> {
  has(value: T): boolean;
  add(value: T): void;
  /** True if the value was there. */
  delete(value: T): boolean;
  readonly size: number;
  values(): T[];
  /** Values in insertion order, each read as it is reached (an action in the loop depends on the entries before it only). */
  [Symbol.iterator](): Iterator<T>;
}

/** Where a store reports reads and writes: the handler call running now (the world's recorder). */
export interface CellLog {
  /** A read of `cell`, whose value (or absence) was written by handler call `writer` (0: never written). */
  read(cell: string, writer: number): void;
  /** A write of `cell` by the running call; `changed` is false when it wrote the value already there. Returns the call's id. */
  write(cell: string, changed: boolean): number;
}

/** One entry of a collection: its value (absent after a delete) and the call that wrote it. */
interface Entry {
  key: string | number;
  json: string;
  value: Payload;
  present: boolean;
  writer: number;
}

/** A collection's entries by key (as JSON); a deleted entry stays, absent, since its absence was written too. */
interface Collection {
  readonly kind: 'register' | 'map' | 'set';
  readonly durable: boolean;
  readonly entries: Map<string, Entry>;
}

const REGISTER_KEY = '';

/** Stores and their handles: what the audit of closures (closure-state.ts) knows is tracked. */
const TRACKED = new WeakSet<object>();

/** Whether `v` is a store or one of its registers, maps or sets. */
export function isTracked(v: unknown): boolean {
  return typeof v === 'object' && v !== null && TRACKED.has(v);
}

/**
 * The state of one incarnation of a node. A restart begins a new store that keeps only the durable
 * collections (`carryDurable`).
 */
export class NodeStore implements NodeState {
  private readonly collections = new Map<string, Collection>();

  constructor(
    private readonly log: CellLog,
    /** The node, for error messages. */
    private readonly node: string,
  ) {
    TRACKED.add(this);
  }

  /** A store for the node's next incarnation: the durable collections, as they are now. */
  carryDurable(log: CellLog): NodeStore {
    const next = new NodeStore(log, this.node);
    for (const [name, c] of this.collections) if (c.durable) next.collections.set(name, { ...c, entries: new Map([...c.entries].map(([k, e]) => [k, { ...e }])) });
    return next;
  }

  /**
   * The content as one string, for comparing states across runs: what the node's future behaviour
   * can depend on (values and their order, not who wrote them). Collections by name.
   */
  canonical(provenance: (writer: number) => string): string {
    const parts: string[] = [];
    for (const name of [...this.collections.keys()].sort()) {
      const c = this.collections.get(name)!;
      parts.push(`${JSON.stringify(name)}${c.kind[0]}${c.durable ? 'd' : 'v'}`);
      // Keys as JSON (no separator can hide in them); with the inputs the value came from, which
      // later outputs' lineage shows invariants (OutputRecord.inputs).
      for (const [k, e] of c.entries) if (e.present) parts.push(`${JSON.stringify(k)}=${e.json}<${provenance(e.writer)}`);
    }
    return JSON.stringify(parts);
  }

  /** Every collection's content, for the report's state over time (present entries only). */
  snapshot(): Record<string, Payload> {
    const out: Record<string, Payload> = {};
    for (const [name, c] of this.collections) {
      const present = [...c.entries.values()].filter((e) => e.present);
      if (c.kind === 'register') out[name] = present[0]?.value ?? null;
      else if (c.kind === 'set') out[name] = present.map((e) => e.key);
      else out[name] = Object.fromEntries(present.map((e) => [String(e.key), e.value]));
    }
    return out;
  }

  register<T extends Payload = Payload>(name: string, options?: StateOptions): Register<T> {
    const c = this.collection(name, 'register', options);
    return tracked({
      get: () => this.read(name, c, REGISTER_KEY) as T | undefined,
      set: (value) => this.write(name, c, REGISTER_KEY, value),
      clear: () => void this.remove(name, c, REGISTER_KEY),
    });
  }

  map<K extends string | number = string, V extends Payload = Payload>(name: string, options?: StateOptions): StateMap<K, V> {
    const c = this.collection(name, 'map', options);
    const store = this;
    return tracked({
      get: (key) => this.read(name, c, checkKey(name, key)) as V | undefined,
      has: (key) => this.read(name, c, checkKey(name, key)) !== undefined,
      set: (key, value) => this.write(name, c, checkKey(name, key), value),
      delete: (key) => this.remove(name, c, checkKey(name, key)),
      get size() {
        return store.readAll(name, c).length;
      },
      keys: () => this.readAll(name, c).map((e) => e.key as K),
      values: () => this.readAll(name, c).map((e) => e.value as V),
      entries: () => this.readAll(name, c).map((e) => [e.key as K, e.value as V]),
      [Symbol.iterator]: () => this.iterate(name, c, (e) => [e.key as K, e.value as V] as [K, V]),
    });
  }

  set<T extends string | number = string>(name: string, options?: StateOptions): StateSet<T> {
    const c = this.collection(name, 'set', options);
    const store = this;
    return tracked({
      has: (value) => this.read(name, c, checkKey(name, value)) !== undefined,
      add: (value) => this.write(name, c, checkKey(name, value), true),
      delete: (value) => this.remove(name, c, checkKey(name, value)),
      get size() {
        return store.readAll(name, c).length;
      },
      values: () => this.readAll(name, c).map((e) => e.key as T),
      [Symbol.iterator]: () => this.iterate(name, c, (e) => e.key as T),
    });
  }

  private collection(name: string, kind: Collection['kind'], options?: StateOptions): Collection {
    if (typeof name !== 'string' || name === '') throw new Error(`node ${this.node}: a state ${kind} needs a name (a non-empty string)`);
    const durable = options?.durable === true;
    const c = this.collections.get(name);
    if (c) {
      if (c.kind !== kind) throw new Error(`node ${this.node}: state '${name}' is a ${c.kind}, not a ${kind}`);
      if (c.durable !== durable) throw new Error(`node ${this.node}: state '${name}' was declared ${c.durable ? 'durable' : 'volatile'}, here ${durable ? 'durable' : 'volatile'}`);
      return c;
    }
    const fresh: Collection = { kind, durable, entries: new Map() };
    this.collections.set(name, fresh);
    return fresh;
  }

  private read(name: string, c: Collection, key: string | number): Payload | undefined {
    const k = keyOf(key);
    const e = c.entries.get(k);
    this.log.read(cellOf(name, k), e?.writer ?? 0);
    return e?.present ? e.value : undefined;
  }

  /** Every present entry, in insertion order; the read covers every entry, deleted ones too (their absence was written). */
  private readAll(name: string, c: Collection): Entry[] {
    const out: Entry[] = [];
    for (const [k, e] of c.entries) {
      this.log.read(cellOf(name, k), e.writer);
      if (e.present) out.push(e);
    }
    return out;
  }

  private write(name: string, c: Collection, key: string | number, value: Payload): void {
    const json = JSON.stringify(value === undefined ? null : value) ?? 'null';
    const k = keyOf(key);
    const e = c.entries.get(k);
    const changed = !e?.present || e.json !== json;
    const writer = this.log.write(cellOf(name, k), changed);
    if (!changed) return;
    // A key deleted and added again goes to the end, as in a JavaScript Map.
    if (e && !e.present) c.entries.delete(k);
    c.entries.set(k, { key, json, value: deepFreeze(JSON.parse(json)), present: true, writer });
  }

  private remove(name: string, c: Collection, key: string | number): boolean {
    const k = keyOf(key);
    const e = c.entries.get(k);
    this.log.read(cellOf(name, k), e?.writer ?? 0);
    if (!e?.present) return false;
    e.present = false;
    e.writer = this.log.write(cellOf(name, k), true);
    return true;
  }

  /** Present entries one at a time, each read when reached (with the absent ones passed on the way). */
  private *iterate<T>(name: string, c: Collection, item: (e: Entry) => T): Generator<T> {
    // A snapshot: writes made inside the loop do not change what it visits.
    for (const [k, e] of [...c.entries]) {
      this.log.read(cellOf(name, k), e.writer);
      if (e.present) yield item(e);
    }
  }
}

function tracked<T extends object>(handle: T): T {
  TRACKED.add(handle);
  return handle;
}

function keyOf(key: string | number): string {
  return typeof key === 'number' ? `n${key}` : `s${key}`;
}

function cellOf(name: string, key: string): string {
  return `${name}[${key}]`;
}

function checkKey(name: string, key: unknown): string | number {
  if (typeof key === 'string' || (typeof key === 'number' && Number.isFinite(key))) return key;
  throw new Error(`state '${name}': keys are strings or finite numbers, not ${key === null ? 'null' : typeof key}`);
}

/** Freezes a value parsed from JSON, iteratively (a deep value must not overflow the stack). */
function deepFreeze<T>(v: T): T {
  const stack: unknown[] = [v];
  while (stack.length) {
    const x = stack.pop();
    if (!x || typeof x !== 'object' || Object.isFrozen(x)) continue;
    Object.freeze(x);
    for (const y of Object.values(x)) stack.push(y);
  }
  return v;
}

/** A store that records nothing: for building a node's handlers outside a run (`ldfi check`). */
export function detachedStore(node: string, onRead: () => void = () => {}): NodeStore {
  return new NodeStore({ read: onRead, write: () => 0 }, node);
}
