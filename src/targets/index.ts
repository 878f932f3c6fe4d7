import { extname } from 'node:path';
import { OptionError, UserError, type OptionNamer } from '../model/errors.ts';
import { MAX_NODES } from '../model/limits.ts';
import type { Target } from '../model/target.ts';
import { DedalusTarget } from './dedalus/target.ts';
import { SimTarget } from './sim/target.ts';
import { TcpTarget } from './tcp/target.ts';
import type { BoundsOptions } from '../model/bounds.ts';

export interface TargetOptions extends BoundsOptions {
  negativeSupport: boolean;
  seed: string;
  /** Dedalus: extra folders for `include` (`-I DIR`). */
  includeDirs?: readonly string[];
}

const DEDALUS = new Set(['.ded', '.dedalus']);
const SIM = new Set(['.ts', '.js', '.mjs', '.mts']);
export const DEDALUS_DEFAULTS = { eot: 3, eff: 2, crashes: 0 };

/**
 * Picks the target kind from the files: Dedalus programs (.ded), one system of real processes
 * (`*.tcp.ts` or `*.tcp.json`), or one TypeScript protocol (.ts).
 */
export async function openTarget(files: readonly string[], opts: TargetOptions): Promise<Target> {
  if (files.length === 0) throw new UserError('BAD_OPTION', 'no program file given');
  const noDelays = (what: string) => {
    if (opts.maxDelay) throw new UserError('BAD_OPTION', `--max-delay: LDFI searches delays on TypeScript protocols and systems of real processes; ${what} (--strategy random draws delays of any target)`);
  };
  if (opts.failStatuses?.length && !(files.length === 1 && /\.tcp\.(ts|mts|js|mjs|json)$/.test(files[0]))) {
    throw new OptionError('failStatuses', (n) => `${n('failStatuses')}: only requests between real processes over HTTP fail (a system, *.tcp.ts, with HTTP framing)`);
  }
  if (files.every((f) => DEDALUS.has(extname(f)))) {
    noDelays("Molly's model of Dedalus programs has omissions and crashes only");
    return new DedalusTarget(files, {
      eot: opts.eot ?? DEDALUS_DEFAULTS.eot,
      eff: opts.eff ?? DEDALUS_DEFAULTS.eff,
      crashes: opts.crashes ?? DEDALUS_DEFAULTS.crashes,
      nodes: opts.nodes,
      faultKinds: opts.faultKinds,
      negativeSupport: opts.negativeSupport,
      includeDirs: opts.includeDirs,
    });
  }
  if (files.length === 1 && /\.tcp\.(ts|mts|js|mjs|json)$/.test(files[0])) {
    return TcpTarget.open(files[0], opts);
  }
  if (files.length === 1 && SIM.has(extname(files[0]))) return SimTarget.open(files[0], opts);
  const odd = files.find((f) => !DEDALUS.has(extname(f)));
  throw new UserError(
    'BAD_OPTION',
    files.length > 1 && SIM.has(extname(odd ?? ''))
      ? `a TypeScript protocol is one file; got ${files.join(', ')}`
      : `cannot tell what kind of target ${odd} is: expected Dedalus files (.ded) or one TypeScript protocol (.ts)`,
  );
}

/** The largest end of time accepted: Dedalus in steps, sim in virtual ms, tcp in rounds. */
export const MAX_EOT: Readonly<Record<string, number>> = { dedalus: 1000, sim: 10_000_000, tcp: 10_000 };
const EOT_UNIT: Readonly<Record<string, string>> = { dedalus: 'steps', sim: 'virtual ms', tcp: 'rounds' };

/**
 * Bounds every search needs to mean something: EOT within its maximum, EFF at most EOT (Molly's model:
 * omissions only at send times before EFF, so EFF = EOT already allows every one), no more crashes than
 * nodes. Throws `UserError` naming the option.
 */
export function checkBounds(t: Target, opts: { given?: { eot?: boolean; eff?: boolean; crashes?: boolean; nodes?: boolean } } = {}): void {
  const b = t.bounds;
  // A bound the caller did not give came from the target's defaults: say so, and whose. One given is
  // named as its caller gave it (`--eot 5` on the command line, `eot: '5'` in the library: OptionError).
  const name = (n: OptionNamer, key: 'eot' | 'eff' | 'crashes', value: number) =>
    opts.given?.[key] === false ? `the default ${key === 'crashes' ? 'crash budget' : key.toUpperCase()} ${value}${t.kind === 'dedalus' ? '' : ` (of ${t.files[0]})`}` : n(key, String(value));
  const max = MAX_EOT[t.kind] ?? Infinity;
  if (b.eot > max) throw new OptionError('eot', (n) => `${name(n, 'eot', b.eot)} is beyond the maximum of ${max.toLocaleString('en-US')} ${EOT_UNIT[t.kind] ?? ''}`.trimEnd());
  if (b.eff > b.eot) throw new OptionError('eff', (n) => `${name(n, 'eff', b.eff)} is beyond ${opts.given?.eot === false ? `its EOT ${b.eot}` : n('eot', String(b.eot))}; EFF is at most EOT (give ${n('eff', String(b.eot))} or less)`);
  if (b.nodes.length > MAX_NODES) throw new OptionError('nodes', (n) => `${opts.given?.nodes === false ? `${t.files[0]} has ${b.nodes.length} nodes, which` : `${n('nodes')} names ${b.nodes.length} nodes, which`} is beyond the maximum of ${MAX_NODES}`);
  if (b.crashes > b.nodes.length) throw new OptionError('crashes', (n) => `${name(n, 'crashes', b.crashes)} is more than the ${b.nodes.length} nodes (${b.nodes.join(', ')})`);
}
