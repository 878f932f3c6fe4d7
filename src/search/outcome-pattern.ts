import { UserError } from '../model/errors.ts';

/**
 * `--outcome 'post(_, commit)'`: the good outcomes LDFI attacks, by relation and arguments (`_` is
 * any value). A potential violation the search watches (a `pre` tuple that faults might make appear)
 * is kept when its arguments match, whatever its relation: it is the other half of the same pair.
 */
export interface OutcomePattern {
  readonly text: string;
  matches(outcomeKey: string): boolean;
}

/** Parses a pattern; throws `UserError` when it is not `relation(arg, …)`. */
export function parseOutcomePattern(text: string): OutcomePattern {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)\s*$/.exec(text);
  if (!m) throw new UserError('BAD_OPTION', `--outcome: '${text}' is not relation(arg, …), e.g. 'post(_, commit)'`);
  const relation = m[1];
  const args = m[2].split(',').map((a) => a.trim());
  if (args.some((a) => a === '')) throw new UserError('BAD_OPTION', `--outcome: '${text}' has an empty argument; use _ for any value`);
  return {
    text,
    matches(key: string): boolean {
      const watched = key.startsWith('not:');
      const t = /^(?:not:)?([A-Za-z_][A-Za-z0-9_]*)\((.*?)\)(?:@\d+)?(?:#.*)?$/.exec(key);
      if (!t) return false;
      const theirs = t[2] === '' ? [] : t[2].split(',').map((a) => a.trim());
      if (!watched && t[1] !== relation) return false;
      return theirs.length === args.length && args.every((a, i) => a === '_' || a === theirs[i]);
    },
  };
}

/** The outcomes a pattern asks to attack (all without one). */
export function targetedOutcomes(pattern: OutcomePattern | undefined, outcomes: readonly string[]): string[] {
  return pattern ? outcomes.filter((o) => pattern.matches(o)) : [...outcomes];
}
