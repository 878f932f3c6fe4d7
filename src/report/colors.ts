import picocolors from 'picocolors';

export type Paint = ReturnType<typeof picocolors.createColors>;

/**
 * Colours for a stream: on only for a terminal, and never with NO_COLOR set (https://no-color.org);
 * FORCE_COLOR turns them on anyway. Reports written to files are never coloured.
 */
export function colorsFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Paint {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  return picocolors.createColors(forced || (Boolean(stream.isTTY) && env.NO_COLOR === undefined));
}

/** The terminal report in colour: ✓ green, ✗ red, • (no proof) yellow, violations red, hints dim. */
export function paintReport(text: string, p: Paint): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.startsWith('✓')) return p.bold(p.green(line));
      if (line.startsWith('✗')) return p.bold(p.red(line));
      if (line.startsWith('•')) return p.bold(p.yellow(line));
      if (/^\s+(violated|error):/.test(line)) return p.red(line);
      if (line.startsWith('Note:')) return p.yellow(line);
      if (line.startsWith('Hint:')) return p.dim(line);
      return line;
    })
    .join('\n');
}

/** `ldfi: warning: …` lines in yellow, `ldfi: error: …` in red. */
export function paintMessage(line: string, p: Paint): string {
  if (line.startsWith('ldfi: warning:')) return p.yellow(line);
  if (line.startsWith('ldfi: error:') || line.startsWith('ldfi: internal error:')) return p.red(line);
  return line;
}
