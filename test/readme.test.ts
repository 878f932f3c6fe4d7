import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ldfi, REPO, splitCommand } from './helpers/cli.ts';

const readme = readFileSync(`${REPO}/README.md`, 'utf8');

describe('README quick start', () => {
  it('its ldfi line prints the counterexample the README shows', () => {
    const block = readme.match(/```sh\nnpm ci\n(npx ldfi run [^\n]+)\n```\n\nprints a counterexample \(exit code 1\):\n\n```\n([\s\S]*?)```/);
    expect(block).not.toBeNull();
    const [, command, shown] = block!;
    const r = ldfi(splitCommand(command).slice(2), {});
    expect(r.code).toBe(1);
    // The README shows the head of the report, with `npx ldfi` replay lines.
    const printed = r.stdout.replace(/node bin\/ldfi\.js/g, 'npx ldfi');
    expect(printed.startsWith(shown)).toBe(true);
  });

  it('shows the test command', () => {
    expect(readme).toContain('`npm test`');
  });
});
