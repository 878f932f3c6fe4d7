import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes program files into a fresh temporary folder; `cleanup` removes it. */
export function writePrograms(files: Record<string, string>): { dir: string; paths: Record<string, string>; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ldfi-test-'));
  const paths: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    paths[name] = join(dir, name);
    writeFileSync(paths[name], text);
  }
  return { dir, paths, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
