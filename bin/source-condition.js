// When ldfi runs from its TypeScript sources (a working copy being edited), `ldfi`, `ldfi/sim` and
// `ldfi/tcp` imported by a user's protocol or system must be those sources too, not a build that may be
// older: this registers the package's `ldfi-source` export condition for every import that follows.
// Installed from a package, ldfi runs its build, and the `default` condition (the build) applies.
import { register } from 'node:module';

const hooks = `export async function resolve(specifier, context, next) {
  return next(specifier, { ...context, conditions: [...context.conditions, 'ldfi-source'] });
}`;

export function registerSourceCondition() {
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}
