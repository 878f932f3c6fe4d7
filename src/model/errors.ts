/**
 * Errors the user can act on. Each has a stable code, a message that says what is wrong and where
 * (file:line:column or the option), and maps to exit code 2. Anything else is an internal error (3).
 */
export type UserErrorCode =
  | 'SYNTAX'
  | 'INCLUDE'
  | 'UNSAFE_VARIABLE'
  | 'ARITY'
  | 'UNSTRATIFIABLE'
  | 'BAD_OPTION'
  | 'BAD_FAULT'
  | 'BAD_TUPLE'
  | 'BAD_PROGRAM'
  | 'BAD_CONFIG'
  | 'BAD_REPORT'
  | 'FILE';

export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export class UserError extends Error {
  readonly code: UserErrorCode;
  readonly pos?: SourcePos;
  constructor(code: UserErrorCode, message: string, pos?: SourcePos) {
    super(pos ? `${pos.file}:${pos.line}:${pos.column}: ${message}` : message);
    this.name = 'UserError';
    this.code = code;
    this.pos = pos;
  }
}

/** One line for an unexpected error: its name and message, never a stack. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`;
  return String(e);
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/** Names an option, with its value, in the words of whoever gave it (a library field or a CLI flag). */
export type OptionNamer = (option: string, value?: string) => string;

/** How the library names an option: its field, e.g. `strategy: 'causal'`, `symmetry`. */
export const fieldName: OptionNamer = (option, value) => (value === undefined ? option : `${option}: '${value}'`);

/**
 * A search option a target cannot honour, or two that do not go together. The message names the
 * option by its library field (`symmetry`, `strategy: 'causal'`); `say` words the same sentence with
 * other names, so that the command line names its flags (`--symmetry`, `--strategy causal`) while
 * the rule stays in one place (`qualifySearchOptions`).
 */
export class OptionError extends UserError {
  constructor(
    /** The library field the error is about, e.g. `outcome`. */
    readonly option: string,
    readonly say: (name: OptionNamer) => string,
  ) {
    super('BAD_OPTION', say(fieldName));
  }
}
