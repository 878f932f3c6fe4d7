/** Quotes a word for a POSIX shell, so that printed replay lines can be pasted as they are. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./,:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** How replay lines start unless told otherwise. */
export const DEFAULT_COMMAND = 'npx ldfi';
