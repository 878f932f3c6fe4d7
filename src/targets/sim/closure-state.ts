import { parse, type Node as AcornNode } from 'acorn';
import { ancestor } from 'acorn-walk';
import { HANDLER_NAMES, type Protocol } from './api.ts';
import { detachedStore, isTracked } from './state.ts';
import { capturedBy, type Captured } from './scopes.ts';

/**
 * Whether a node keeps all its state through ldfi (`ctx.state`), so that what its handlers did
 * depends only on what started each call and what it read there (precise lineage), or also keeps
 * state ldfi cannot see — variables a handler changes in a closure or a module, fields of `this` —
 * and then each action depends on everything the node saw before (conservative lineage, Molly's rule
 * for what cannot be seen).
 */
export interface NodeStateAudit {
  readonly node: string;
  readonly precise: boolean;
  /** Why not (empty when precise): each names the state and how a handler changes it. */
  readonly why: readonly StateFinding[];
  /**
   * A handler uses the reference of its message or input (`msg.id`, `msg.sentAt`) beyond naming it
   * in `because`: message ids are numbered per run, so two runs alike in every state can still
   * differ there, and the search does not merge them.
   */
  readonly usesRefs: boolean;
  /** Its handlers hear of dropped connections (`onConnectionLost`, `onConnectionRestored`). */
  readonly hearsConnections?: boolean;
}

/** State a node keeps that ldfi cannot see: the variable (when there is one) and a sentence. */
export interface StateFinding {
  readonly variable?: string;
  readonly message: string;
}

/**
 * Audits each node of a protocol: builds its handlers, and follows every function they can reach
 * (the handlers, and the functions they name from their closures and modules, as V8 records them —
 * read through the inspector, in this thread) for variables they capture that a handler could
 * change: a variable assigned in one of those functions, or an object changed through a method or
 * property, or handed on to code that could change it. Tracked state (`ctx.state`) and frozen objects
 * are not; a variable only read (a node name, a constant, the factory's options) is not. Errs towards
 * conservative: anything it cannot see through (a bound or native handler, `this`) makes the node so.
 */
export function auditNodeState(protocol: Protocol): NodeStateAudit[] {
  return protocol.nodes.map((node) => {
    let handlers: Record<string, unknown>;
    // Reading tracked state while building the handlers bakes a value into them that no run records.
    const build = { reads: false };
    try {
      handlers = (protocol.node(node, detachedStore(node, () => void (build.reads = true))) ?? {}) as unknown as Record<string, unknown>;
    } catch (e) {
      return { node, precise: false, why: [{ message: `node(${JSON.stringify(node)}) threw: ${(e as Error)?.message ?? String(e)}` }], usesRefs: true };
    }
    const refs = { used: false };
    const why = auditHandlers(handlers, refs);
    if (build.reads) why.push({ message: `node(${JSON.stringify(node)}) reads its state while building the handlers: read it in a handler (init runs after each restart)` });
    const hearsConnections = typeof handlers.onConnectionLost === 'function' || typeof handlers.onConnectionRestored === 'function';
    return { node, precise: why.length === 0, why, usesRefs: refs.used, ...(hearsConnections ? { hearsConnections } : {}) };
  });
}


/** A captured variable, with what the functions that capture it do to it. */
interface Use extends Captured {
  assigned: boolean;
  changed?: string;
}

/** Where handlers get a reference: the position of the `MessageRef` or `InputRef` parameter. */
const REF_PARAMS: Record<string, number> = { onMessage: 3, onInput: 2 };

function auditHandlers(handlers: Record<string, unknown>, refs: { used: boolean }): StateFinding[] {
  const why: StateFinding[] = [];
  const proto = Object.getPrototypeOf(handlers);
  if (proto !== Object.prototype && proto !== null) {
    why.push({ message: `its handlers are an instance of ${proto?.constructor?.name ?? 'a class'}: its fields are state ldfi cannot see` });
    return why;
  }
  const facts = new UseFacts();
  const captured = new Map<string, Use>();
  const reported = new Set<string>();
  const seen = new Set<unknown>();
  const queue: { fn: Function; label: string }[] = [];
  for (const name of HANDLER_NAMES) if (typeof handlers[name] === 'function') queue.push({ fn: handlers[name] as Function, label: name });
  while (queue.length) {
    const { fn, label } = queue.shift()!;
    if (seen.has(fn)) continue;
    seen.add(fn);
    const text = Function.prototype.toString.call(fn);
    const ast = parseFunction(text);
    if (!ast) {
      why.push({ message: `${label} is a bound or native function: ldfi cannot see what it keeps` });
      continue;
    }
    const { free, assigned, changed } = facts.collect(ast);
    if (label in REF_PARAMS && usesParam(ast, REF_PARAMS[label])) refs.used = true;
    if (facts.usesThis) {
      why.push({ message: `${label} uses \`this\`: fields of an object are state ldfi cannot see` });
      facts.usesThis = false;
    }
    const scopes = capturedBy(fn);
    // A name the function changes that no closure, block or module holds is a global.
    const local = new Set(scopes.map((c) => c.name));
    // (Calling a global's method, Math.floor, changes nothing that ldfi knows of; writing to it does.)
    const written = [...assigned, ...[...changed].filter(([n, how]) => GLOBALS.has(n) || how.includes('… =') || how.includes('deleted')).map(([n]) => n)];
    for (const name of written) {
      if (free.has(name) && (!local.has(name) || GLOBALS.has(name)) && !reported.has(name)) {
        reported.add(name);
        why.push({ variable: name, message: `\`${name}\` (a global) is changed by a handler` });
      }
    }
    for (const c of scopes) {
      // By scope and name: a helper's \`acked\` is not the handler's \`acked\`.
      const key = `${c.scope}\u0000${c.name}`;
      if (!free.has(c.name)) continue;
      const known = captured.get(key);
      if (known) {
        known.assigned ||= assigned.has(c.name);
        known.changed ??= changed.get(c.name);
        continue;
      }
      captured.set(key, { ...c, assigned: assigned.has(c.name), changed: changed.get(c.name) });
      // Tracked state is ldfi's own: nothing in it to follow.
      if (isTracked(c.value)) continue;
      // esbuild's (tsx's) keepNames helper names a function once, as it is made: no state in it.
      if (isKeepNamesHelper(c.name, c.value)) continue;
      if (typeof c.value === 'function') queue.push({ fn: c.value, label: c.name });
      // An object of functions only (a helper's API) holds no data of its own: what its functions keep counts.
      for (const [k, f] of Object.entries(functionsOnly(c.value) ?? {})) queue.push({ fn: f, label: `${c.name}.${k}` });
    }
  }
  for (const c of captured.values()) {
    const where = scopeWords(c.scope);
    const object = !c.primitive && typeof c.value !== 'function' && !isTracked(c.value);
    if (c.assigned) why.push({ variable: c.name, message: `\`${c.name}\` (declared ${where}) is assigned by a handler` });
    else if (!object || deeplyFrozen(c.value)) continue;
    // A helper's API: its functions are followed; only writing over one of them is a change.
    else if (functionsOnly(c.value)) {
      if (c.changed && (c.changed.includes('… =') || c.changed.includes('deleted'))) why.push({ variable: c.name, message: `\`${c.name}\` (${describe(c.value)}, declared ${where}) ${c.changed}` });
    } else if (c.changed) why.push({ variable: c.name, message: `\`${c.name}\` (${describe(c.value)}, declared ${where}) ${c.changed}` });
    // Objects inside it can be changed through an alias (an element of a loop, what get or find returns).
    else if (holdsObjects(c.value)) why.push({ variable: c.name, message: `\`${c.name}\` (${describe(c.value)}, declared ${where}) holds objects a handler could change through an alias; freeze it (deeply) or keep it in ctx.state` });
  }
  return why;
}

/** Names of the global object itself: a member written through them is a global change. */
const GLOBALS = new Set(['globalThis', 'global', 'window', 'self']);

/** The objects inside a value (elements, entries, properties), one level down. */
function children(v: object): unknown[] {
  if (v instanceof Map) return [...v.keys(), ...v.values()];
  if (v instanceof Set || Array.isArray(v)) return [...v];
  return Object.values(v);
}

/**
 * Whether a value holds, in a collection (array, Set, Map) anywhere inside it, an element that is an
 * object: what a loop or `get`/`find` hands out, which a handler could change through that alias. A
 * plain object's properties are reached by name, which the syntax shows (iteratively, up to 10,000).
 */
function holdsObjects(v: unknown): boolean {
  const stack: unknown[] = [v];
  for (let seen = 0; stack.length; seen++) {
    if (seen > 10_000) return true;
    const x = stack.pop();
    if (x === null || typeof x !== 'object') continue;
    const collection = Array.isArray(x) || x instanceof Set || x instanceof Map;
    for (const y of children(x)) {
      if (collection && y !== null && typeof y === 'object') return true;
      stack.push(y);
    }
  }
  return false;
}

/** Whether a value and everything inside it is frozen (Sets and Maps never are: add and set still work). */
function deeplyFrozen(v: unknown): boolean {
  const stack = [v];
  for (let seen = 0; stack.length; seen++) {
    const x = stack.pop();
    if (x === null || typeof x !== 'object') continue;
    if (seen > 10_000 || !Object.isFrozen(x) || x instanceof Set || x instanceof Map) return false;
    for (const y of children(x)) stack.push(y);
  }
  return true;
}

/** Where V8 says a variable lives, in words: `Closure (chainNode)` → `in chainNode`. */
function scopeWords(scope: string): string {
  const m = /^(Closure|Block)(?: \((.*)\))?$/.exec(scope);
  if (m) return m[2] ? `in ${m[1] === 'Block' ? 'a block of ' : ''}${m[2]}` : 'in a closure';
  return scope === 'Module' ? 'at module level' : scope === 'Script' ? 'at top level' : `in a ${scope.toLowerCase()} scope`;
}

/**
 * Whether the handler in `ast` uses its parameter at `index` other than inside `because: [...]`
 * (destructuring it, or handing it to code it cannot see, counts as using it).
 */
function usesParam(ast: AcornNode, index: number): boolean {
  // The handler itself: the program is `(function …)`, `({ method() … })` or `(class { method() … })`.
  const e = (ast as any).body?.[0]?.expression;
  const fn = e?.type === 'ObjectExpression' ? e.properties[0]?.value : e?.type === 'ClassExpression' ? e.body.body[0]?.value : e;
  const param = fn?.params?.[index];
  if (!param) return false;
  if (param.type !== 'Identifier') return true;
  let used = false;
  ancestor(fn.body, {
    Identifier(n: any, _s: unknown, ancestors: any[]) {
      if (n.name !== param.name || !isReference(n, ancestors[ancestors.length - 2])) return;
      const array = ancestors[ancestors.length - 2];
      const prop = ancestors[ancestors.length - 3];
      const inBecause = array?.type === 'ArrayExpression' && prop?.type === 'Property' && !prop.computed && (prop.key.name ?? prop.key.value) === 'because';
      if (!inBecause) used = true;
    },
  });
  return used;
}

/** A plain object whose own properties are all functions, as a record of them; else undefined. */
function functionsOnly(v: unknown): Record<string, Function> | undefined {
  if (!v || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return undefined;
  const entries = Object.entries(v);
  return entries.length > 0 && entries.every(([, f]) => typeof f === 'function') ? (v as Record<string, Function>) : undefined;
}

function describe(v: unknown): string {
  if (v instanceof Set) return 'a Set';
  if (v instanceof Map) return 'a Map';
  if (Array.isArray(v)) return 'an array';
  return v?.constructor?.name && v.constructor !== Object ? `a ${v.constructor.name}` : 'an object';
}

/** A function's source as a parseable program: a function or arrow, or a method (shorthand) wrapped in an object. */
function parseFunction(text: string): AcornNode | undefined {
  if (/\{\s*\[native code\]\s*\}\s*$/.test(text)) return undefined;
  for (const wrapped of [`(${text})`, `({${text}})`, `(class{${text}})`]) {
    try {
      return parse(wrapped, { ecmaVersion: 'latest', sourceType: 'module' }) as AcornNode;
    } catch {
      // Try the next form.
    }
  }
  return undefined;
}

/** Methods that read a collection, a string or an array without changing it. */
const READERS = new Set([
  'has', 'get', 'includes', 'indexOf', 'lastIndexOf', 'filter', 'map', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex',
  'slice', 'keys', 'values', 'entries', 'forEach', 'join', 'at', 'concat', 'flat', 'flatMap', 'reduce', 'reduceRight', 'toString', 'toJSON',
  'toSorted', 'toReversed', 'toSpliced', 'with', 'charAt', 'charCodeAt', 'codePointAt', 'startsWith', 'endsWith', 'trim', 'trimStart', 'trimEnd',
  'split', 'padStart', 'padEnd', 'toUpperCase', 'toLowerCase', 'localeCompare', 'repeat', 'replace', 'replaceAll', 'substring', 'substr',
  'match', 'matchAll', 'search', 'toFixed', 'valueOf', 'hasOwnProperty', 'test',
]);

/** Functions and context methods that copy or only read what they are given. */
const COPIERS = new Set(['JSON.stringify', 'String', 'Number', 'Boolean', 'Array.isArray', 'Array.from', 'Object.keys', 'Object.values', 'Object.entries', 'structuredClone', 'Math.max', 'Math.min']);
const CONTEXT_COPIERS = new Set(['send', 'output', 'persist', 'setTimer', 'log']);

/**
 * What a function reachable from a node's handlers does with the names it uses: names assigned
 * (`x = …`, `x++`), and names of objects changed or handed on (with how).
 */
class UseFacts {
  usesThis = false;
  /** The facts of the function being collected, kept for the names it does not declare itself. */
  private local = { assigned: new Set<string>(), changed: new Map<string, string>() };

  /** The names one function uses without declaring them, and which of them it assigns or changes (and how). */
  collect(ast: AcornNode): { free: Set<string>; assigned: Set<string>; changed: Map<string, string> } {
    const declared = new Set<string>();
    const used = new Set<string>();
    this.local = { assigned: new Set(), changed: new Map() };
    const self = this;
    // `as never`: acorn-walk's types leave out VariablePattern, which it calls.
    ancestor(ast, {
      ThisExpression() {
        self.usesThis = true;
      },
      VariableDeclarator(n: any) {
        for (const id of patternNames(n.id)) declared.add(id);
      },
      Function(n: any) {
        if (n.id) declared.add(n.id.name);
        for (const p of n.params) for (const id of patternNames(p)) declared.add(id);
      },
      CatchClause(n: any) {
        if (n.param) for (const id of patternNames(n.param)) declared.add(id);
      },
      // A name written to (acorn-walk calls a binding or an assignment target a VariablePattern).
      VariablePattern(n: any, _state: unknown, ancestors: any[]) {
        let i = ancestors.length - 2;
        while (i >= 0 && ['ArrayPattern', 'ObjectPattern', 'Property', 'RestElement', 'AssignmentPattern'].includes(ancestors[i].type)) i--;
        const owner = ancestors[i];
        const assigns = owner && (owner.type === 'AssignmentExpression' || ((owner.type === 'ForOfStatement' || owner.type === 'ForInStatement') && owner.left.type !== 'VariableDeclaration'));
        if (!assigns) return;
        used.add(n.name);
        self.local.assigned.add(n.name);
      },
      Identifier(n: any, _state: unknown, ancestors: any[]) {
        const parent = ancestors[ancestors.length - 2];
        if (!isReference(n, parent)) return;
        used.add(n.name);
        self.use(n, ancestors);
      },
    } as never);
    const free = new Set([...used].filter((n) => !declared.has(n)));
    return { free, assigned: this.local.assigned, changed: this.local.changed };
  }

  /** Classifies one reference: through the chain of members built on it, to what the chain is used for. */
  private use(id: any, ancestors: any[]): void {
    let i = ancestors.length - 1;
    let top = id;
    // Walk up `x.a.b[c]` to the outermost member expression built on x.
    while (i > 0 && ancestors[i - 1].type === 'MemberExpression' && ancestors[i - 1].object === top) {
      top = ancestors[i - 1];
      i--;
    }
    const parent = ancestors[i - 1];
    const name = id.name;
    const member = top !== id;
    if (!parent) return;
    const mark = (how: string) => {
      if (!this.local.changed.has(name)) this.local.changed.set(name, how);
    };
    if ((parent.type === 'AssignmentExpression' && parent.left === top) || (parent.type === 'UpdateExpression' && parent.argument === top)) {
      if (member) mark(`is changed by a handler (\`${name}.… =\`)`);
      else this.local.assigned.add(name);
      return;
    }
    if (parent.type === 'UnaryExpression' && parent.operator === 'delete') return mark('has a property deleted by a handler');
    if (parent.type === 'ForOfStatement' || parent.type === 'ForInStatement') {
      if (parent.left === top) this.local.assigned.add(name);
      return;
    }
    if (parent.type === 'CallExpression' && parent.callee === top) {
      if (!member) return;
      const method = top.computed ? undefined : top.property.name;
      if (method && READERS.has(method)) return;
      return mark(`is changed by a handler (\`.${method ?? '[…]'}(…)\`)`);
    }
    if ((parent.type === 'CallExpression' || parent.type === 'NewExpression') && parent.arguments.includes(top)) {
      const callee = calleeName(parent.callee);
      if (parent.type === 'NewExpression' && (callee === 'Set' || callee === 'Map' || callee === 'Array')) return;
      if (callee && (COPIERS.has(callee) || CONTEXT_COPIERS.has(callee.split('.').pop()!))) return;
      return mark(`is handed to \`${callee ?? 'a function'}\`, which could change it`);
    }
    // Read where it cannot escape: compared, tested, printed, spread, iterated.
    const reads = ['BinaryExpression', 'LogicalExpression', 'IfStatement', 'ConditionalExpression', 'TemplateLiteral', 'SpreadElement', 'UnaryExpression', 'SwitchStatement', 'SwitchCase', 'WhileStatement', 'DoWhileStatement', 'ForStatement', 'ExpressionStatement', 'TaggedTemplateExpression'];
    if (reads.includes(parent.type)) return;
    if (parent.type === 'MemberExpression' && parent.property === top && parent.computed) return;
    // Anything else (kept in another variable, returned, put in an object) may be changed elsewhere.
    mark('is shared beyond a handler, where it could be changed');
  }
}

function calleeName(c: any): string | undefined {
  if (c.type === 'Identifier') return c.name;
  if (c.type === 'MemberExpression' && !c.computed) {
    const inner = calleeName(c.object);
    return inner ? `${inner}.${c.property.name}` : c.property.name;
  }
  return undefined;
}

/** Whether an identifier is a reference to a variable (not a property name or a declaration's key). */
function isReference(n: any, parent: any): boolean {
  if (!parent) return true;
  if (parent.type === 'MemberExpression' && parent.property === n && !parent.computed) return false;
  if ((parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && parent.key === n && !parent.computed) return parent.shorthand === true;
  if ((parent.type === 'FunctionExpression' || parent.type === 'FunctionDeclaration' || parent.type === 'ArrowFunctionExpression') && (parent.id === n || parent.params.includes(n))) return false;
  if (parent.type === 'VariableDeclarator' && parent.id === n) return false;
  if (parent.type === 'LabeledStatement' || parent.type === 'BreakStatement' || parent.type === 'ContinueStatement') return false;
  if (parent.type === 'CatchClause' && parent.param === n) return false;
  return true;
}

/** The names a binding pattern declares (iteratively). */
function patternNames(p: any): string[] {
  const out: string[] = [];
  const stack = [p];
  while (stack.length) {
    const x = stack.pop();
    if (!x) continue;
    if (x.type === 'Identifier') out.push(x.name);
    else if (x.type === 'ObjectPattern') for (const prop of x.properties) stack.push(prop.type === 'RestElement' ? prop.argument : prop.value);
    else if (x.type === 'ArrayPattern') for (const e of x.elements) stack.push(e);
    else if (x.type === 'RestElement') stack.push(x.argument);
    else if (x.type === 'AssignmentPattern') stack.push(x.left);
  }
  return out;
}

/** Conservative nodes grouped by what they keep (nodes built by one factory read the same), in node order. */
export function conservativeGroups(audit: readonly NodeStateAudit[]): { nodes: string[]; why: readonly StateFinding[] }[] {
  const groups = new Map<string, { nodes: string[]; why: readonly StateFinding[] }>();
  for (const a of audit) {
    if (a.precise) continue;
    const key = a.why.map((w) => w.message).join('\n');
    (groups.get(key) ?? groups.set(key, { nodes: [], why: a.why }).get(key)!).nodes.push(a.node);
  }
  return [...groups.values()];
}

/** One sentence for a group of conservative nodes: what they keep where ldfi cannot see it, and what to do. */
export function conservativeSentence(g: { nodes: readonly string[]; why: readonly StateFinding[] }): string {
  const shown = g.why.slice(0, 3).map((w) => w.message);
  if (g.why.length > 3) shown.push(`and ${g.why.length - 3} more`);
  const who = g.nodes.length === 1 ? `node ${g.nodes[0]}` : `nodes ${g.nodes.join(', ')}`;
  return `lineage of ${who} is conservative (an action depends on everything the node saw before): ${shown.join('; ')}; keep state in ctx.state for precise lineage (docs/lineage-for-code.md)`;
}

/** `__name = (target, value) => __defProp(target, "name", { value, configurable: true })`, as esbuild writes it. */
function isKeepNamesHelper(name: string, value: unknown): boolean {
  if (name !== '__name' || typeof value !== 'function') return false;
  return /__defProp\(\s*target\s*,\s*"name"/.test(Function.prototype.toString.call(value));
}
