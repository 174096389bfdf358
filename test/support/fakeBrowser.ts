import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cleanup } from './cleanup';

export interface FakeBrowser {
  /** What `$BROWSER` is set to: one executable path. */
  path: string;
  /** Each run: the URL it was given, and any further arguments (there must be none). */
  runs(): Promise<{ url: string; extra: string[] }[]>;
}

/**
 * An executable that stands in for the user's browser (see fakeBrowserMain.ts): a shell wrapper, because `$BROWSER` is
 * one path and the compiled script is not executable by itself.
 */
export async function installFakeBrowser(cleanup: Cleanup, options: { forgedState?: boolean } = {}): Promise<FakeBrowser> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-fake-browser-'));
  cleanup.add(() => rm(dir, { recursive: true, force: true }));
  const log = join(dir, 'runs.jsonl');
  const path = join(dir, 'browser');
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  await writeFile(
    path,
    [
      '#!/bin/sh',
      `FAKE_BROWSER_LOG=${quote(log)} FAKE_BROWSER_STATE=${options.forgedState ? 'forged' : 'kept'} exec ${quote(process.execPath)} ${quote(join(__dirname, 'fakeBrowserMain.js'))} "$@"`,
      '',
    ].join('\n'),
  );
  await chmod(path, 0o755);
  return {
    path,
    runs: async () => {
      const text = await readFile(log, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { url: string; extra: string[] });
    },
  };
}
