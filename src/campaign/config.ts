import { existsSync, readFileSync } from 'node:fs';
import { MAX_RUNS } from '../model/limits.ts';
import type { BoundsOptions } from '../model/bounds.ts';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { probeModuleLoad } from '../targets/load-probe.ts';
import { UserError } from '../model/errors.ts';
import type { Strategy } from '../search/result.ts';
import { parseRestriction, type FaultRestriction } from '../injector/restriction.ts';
import { parseOutcomePattern, type OutcomePattern } from '../search/outcome-pattern.ts';
import type { FaultKind } from '../model/faults.ts';
import { FAULT_KINDS } from '../model/fault-model.ts';

/** One campaign as a config file gives it; `eot`, `eff` and `crashes` may be lists (a sweep). */
export interface CampaignSpec {
  /** Names its reports and corpus entries: letters, digits, `-` and `_`. */
  readonly name: string;
  /** The program (Dedalus files), protocol (.ts) or system (*.tcp.ts), relative to the config file. */
  readonly files: string | readonly string[];
  readonly eot?: number | readonly number[];
  readonly eff?: number | readonly number[];
  readonly crashes?: number | readonly number[];
  readonly nodes?: readonly string[];
  /** Seed of a simulated network (sim). Default '1'. */
  readonly seed?: string;
  /** Default `ldfi`. */
  readonly strategy?: Strategy;
  /** Run budget of each search. */
  readonly maxRuns?: number;
  /** Time budget of each search, in real seconds. */
  readonly timeSeconds?: number;
  /** Keep searching after the first counterexample. */
  readonly findAll?: boolean;
  /** A targeted fault space, as `--only-faults` (e.g. `crash:c; omit:*→c @1..4`). */
  readonly onlyFaults?: string;
  /** Dedalus: the outcomes to attack, as `--outcome` (e.g. `post(_, commit)`). */
  readonly outcome?: string;
  /**
   * The kinds of fault, as `--fault-kinds`: what LDFI searches (default: every kind it searches on the
   * target), or what `strategy: 'random'` draws.
   */
  readonly faultKinds?: readonly FaultKind[];
  /** The longest delay searched, as `--max-delay` (virtual ms; sim). */
  readonly maxDelay?: number;
}

export interface CampaignConfig {
  readonly campaigns: readonly CampaignSpec[];
  /** Where counterexamples are kept, to be replayed first next time (commit it). Default `ldfi-corpus`. */
  readonly corpus?: string;
  /** Where each campaign's JSON, JUnit and HTML reports and the summary go. Default `ldfi-reports`. */
  readonly reports?: string;
}

/** Declares a campaign config (`ldfi.config.ts`, default export). */
export function defineConfig(c: CampaignConfig): CampaignConfig {
  return c;
}

/** One search of a campaign: a campaign with one value of each bound. */
export interface CampaignCase extends BoundsOptions {
  readonly campaign: string;
  /** `name` with the bounds of a sweep, e.g. `broadcast-eot4`. */
  readonly name: string;
  readonly files: readonly string[];
  readonly seed: string;
  readonly strategy: Strategy;
  readonly maxRuns?: number;
  readonly timeMs?: number;
  readonly findAll: boolean;
  readonly restriction?: FaultRestriction;
  readonly outcome?: OutcomePattern;
}


export interface LoadedConfig {
  readonly file: string;
  readonly corpus: string;
  readonly reports: string;
  readonly cases: readonly CampaignCase[];
  readonly campaigns: readonly string[];
}

const NAMES = ['ldfi.config.ts', 'ldfi.config.mts', 'ldfi.config.js', 'ldfi.config.mjs', 'ldfi.config.json'];
const STRATEGIES: readonly Strategy[] = ['ldfi', 'molly', 'causal', 'random', 'exhaustive'];

/**
 * Loads a config: the file given, or the first of `ldfi.config.{ts,mts,js,mjs,json}` in `cwd`. Paths
 * in it are relative to its folder. Throws `UserError` naming the file and the field for anything
 * wrong with it.
 */
export async function loadConfig(given: string | undefined, cwd = process.cwd()): Promise<LoadedConfig> {
  const file = given ? resolve(cwd, given) : NAMES.map((n) => resolve(cwd, n)).find((f) => existsSync(f));
  if (!file) throw new UserError('FILE', `no campaign config: none of ${NAMES.join(', ')} in ${cwd} (or give --config FILE)`);
  if (!existsSync(file)) throw new UserError('FILE', `--config ${given}: no such file`);
  let raw: unknown;
  if (file.endsWith('.json')) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new UserError('SYNTAX', `${file}: not JSON: ${(e as Error).message}`);
    }
  } else {
    await probeModuleLoad(file, readFileSync(file, 'utf8'));
    try {
      const mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
      raw = (mod.default as { default?: unknown } | undefined)?.default ?? mod.default;
    } catch (e) {
      const message = String((e as Error)?.message ?? e);
      const located = /^(.*?:\d+:\d+): ERROR: (.*)$/m.exec(message);
      throw new UserError('SYNTAX', located ? `${located[1]}: ${located[2]}` : `${file}: cannot load the config: ${message.split('\n')[0]}`);
    }
  }
  return expand(check(raw, file), file);
}

function check(raw: unknown, file: string): CampaignConfig {
  const bad = (what: string): never => {
    throw new UserError('BAD_CONFIG', `${file}: ${what}`);
  };
  if (!raw || typeof raw !== 'object') return bad('the config must export { campaigns: [...] } (export default defineConfig({...}))');
  const c = raw as Partial<CampaignConfig>;
  if (!Array.isArray(c.campaigns) || c.campaigns.length === 0) bad('campaigns must be a non-empty list');
  for (const k of ['corpus', 'reports'] as const) if (c[k] !== undefined && (typeof c[k] !== 'string' || c[k] === '')) bad(`${k} must be a folder name`);
  const seen = new Set<string>();
  c.campaigns!.forEach((s, i) => {
    const at = `campaigns[${i}]`;
    if (!s || typeof s !== 'object') bad(`${at} must be an object`);
    if (typeof s.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(s.name)) bad(`${at}.name must be letters, digits, - and _ (it names files)`);
    if (seen.has(s.name)) bad(`${at}.name '${s.name}' is used twice`);
    seen.add(s.name);
    const files = typeof s.files === 'string' ? [s.files] : s.files;
    if (!Array.isArray(files) || files.length === 0 || !files.every((f) => typeof f === 'string')) bad(`${at}.files must be a file or a list of files`);
    for (const k of ['eot', 'eff', 'crashes'] as const) {
      const v = s[k];
      const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
      if (Array.isArray(v) && v.length === 0) bad(`${at}.${k} is an empty list`);
      for (const x of list) if (!Number.isInteger(x) || x < (k === 'eot' ? 1 : 0)) bad(`${at}.${k}: ${JSON.stringify(x)} is not a whole number${k === 'eot' ? ' ≥ 1' : ' ≥ 0'}`);
    }
    if (s.strategy !== undefined && !STRATEGIES.includes(s.strategy)) bad(`${at}.strategy '${s.strategy}' is not one of ${STRATEGIES.join(', ')}`);
    if (s.maxRuns !== undefined && (!Number.isInteger(s.maxRuns) || s.maxRuns < 1 || s.maxRuns > MAX_RUNS)) bad(`${at}.maxRuns must be a whole number from 1 to ${MAX_RUNS.toLocaleString('en-US')}`);
    if (s.timeSeconds !== undefined && (typeof s.timeSeconds !== 'number' || !(s.timeSeconds > 0))) bad(`${at}.timeSeconds must be a number of seconds > 0`);
    if (s.seed !== undefined && typeof s.seed !== 'string' && !Number.isInteger(s.seed)) bad(`${at}.seed must be a string or a whole number`);
    if (s.nodes !== undefined && (!Array.isArray(s.nodes) || !s.nodes.every((n) => typeof n === 'string'))) bad(`${at}.nodes must be a list of node names`);
    if (s.outcome !== undefined) {
      try {
        parseOutcomePattern(String(s.outcome));
      } catch (e) {
        bad(`${at}.outcome: ${(e as Error).message.replace(/^--outcome: /, '')}`);
      }
    }
    if (s.faultKinds !== undefined && (!Array.isArray(s.faultKinds) || s.faultKinds.length === 0 || !s.faultKinds.every((k) => FAULT_KINDS.includes(k)))) {
      bad(`${at}.faultKinds must be a non-empty list of ${FAULT_KINDS.join(', ')}`);
    }
    if (s.maxDelay !== undefined && (!Number.isInteger(s.maxDelay) || s.maxDelay < 0)) bad(`${at}.maxDelay: ${JSON.stringify(s.maxDelay)} is not a whole number ≥ 0`);
    if (s.onlyFaults !== undefined) {
      try {
        parseRestriction(String(s.onlyFaults));
      } catch (e) {
        bad(`${at}.onlyFaults: ${(e as Error).message.replace(/^--only-faults: /, '')}`);
      }
    }
  });
  return c as CampaignConfig;
}

/** Each campaign's sweep as cases, in order: every combination of its bounds' values. */
function expand(c: CampaignConfig, file: string): LoadedConfig {
  const base = dirname(file);
  const cases: CampaignCase[] = [];
  const list = (v: number | readonly number[] | undefined) => (v === undefined ? [undefined] : Array.isArray(v) ? v : [v as number]);
  for (const s of c.campaigns) {
    const files = (typeof s.files === 'string' ? [s.files] : s.files).map((f) => resolve(base, f));
    const sweep = [s.eot, s.eff, s.crashes].some(Array.isArray);
    for (const eot of list(s.eot)) {
      for (const eff of list(s.eff)) {
        for (const crashes of list(s.crashes)) {
          const suffix = sweep ? [Array.isArray(s.eot) && `eot${eot}`, Array.isArray(s.eff) && `eff${eff}`, Array.isArray(s.crashes) && `crashes${crashes}`].filter(Boolean).join('-') : '';
          cases.push({
            campaign: s.name,
            name: suffix ? `${s.name}-${suffix}` : s.name,
            files,
            eot,
            eff,
            crashes,
            nodes: s.nodes,
            seed: s.seed === undefined ? '1' : String(s.seed),
            strategy: s.strategy ?? 'ldfi',
            maxRuns: s.maxRuns,
            timeMs: s.timeSeconds === undefined ? undefined : s.timeSeconds * 1000,
            findAll: s.findAll ?? false,
            ...(s.onlyFaults !== undefined ? { restriction: parseRestriction(s.onlyFaults) } : {}),
            ...(s.outcome !== undefined ? { outcome: parseOutcomePattern(s.outcome) } : {}),
            ...(s.faultKinds !== undefined ? { faultKinds: s.faultKinds } : {}),
            ...(s.maxDelay !== undefined ? { maxDelay: s.maxDelay } : {}),
          });
        }
      }
    }
  }
  return { file, corpus: resolve(base, c.corpus ?? 'ldfi-corpus'), reports: resolve(base, c.reports ?? 'ldfi-reports'), cases, campaigns: c.campaigns.map((s) => s.name) };
}
