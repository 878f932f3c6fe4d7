import { extname } from 'node:path';
import { UserError } from '../model/errors.ts';
import { DedalusTarget, type DedalusTargetOptions } from './dedalus/target.ts';

export type TargetOptions = DedalusTargetOptions;

/** Picks the target kind from the files: Dedalus programs (.ded) for now. */
export async function openTarget(files: readonly string[], opts: TargetOptions): Promise<DedalusTarget> {
  if (files.length === 0) throw new UserError('BAD_OPTION', 'no program file given');
  const kinds = new Set(files.map((f) => extname(f)));
  for (const k of kinds) {
    if (k !== '.ded' && k !== '.dedalus') {
      throw new UserError('BAD_OPTION', `cannot tell what kind of target ${files.find((f) => extname(f) === k)} is: expected Dedalus files (.ded)`);
    }
  }
  return new DedalusTarget(files, opts);
}
