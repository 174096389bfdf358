import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ImportLocations } from '../../../src/importing/sources';

/** The fixture files, laid out per client as `<client>/home/…` and `<client>/workspace/…`. */
export const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/importing');

export interface Tree {
  root: string;
  home: string;
  /** The one workspace folder. */
  folder: string;
  locations: ImportLocations;
  remove(): Promise<void>;
}

/**
 * A temporary machine: `<root>/home` is HOME and `<root>/work/app` the workspace folder, filled with
 * the named clients' fixture files. `__WORKSPACE__` in a fixture becomes the folder's path (Claude
 * Code keys per-project servers by absolute path).
 */
export async function buildTree(clients: string[], platform = 'linux'): Promise<Tree> {
  const root = await mkdtemp(path.join(tmpdir(), 'mcp-import-'));
  const home = path.join(root, 'home');
  const folder = path.join(root, 'work', 'app');
  await mkdir(home, { recursive: true });
  await mkdir(folder, { recursive: true });
  for (const client of clients) {
    for (const [part, target] of [['home', home], ['workspace', folder]] as const) {
      const from = path.join(FIXTURES, client, part);
      if (!(await exists(from))) continue;
      await cp(from, target, { recursive: true });
    }
  }
  for (const file of await filesUnder(root)) {
    const text = await readFile(file, 'utf8');
    if (text.includes('__WORKSPACE__')) await writeFile(file, text.split('__WORKSPACE__').join(JSON.stringify(folder).slice(1, -1)));
  }
  return {
    root,
    home,
    folder,
    locations: { home, platform, workspaceFolders: [folder], vscodeUserDir: path.join(home, '.config', 'Code', 'User') },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await readdir(file);
    return true;
  } catch {
    return false;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** A temporary machine with the given files (paths relative to `<root>`, e.g. `home/.cursor/mcp.json`). */
export async function treeWith(files: Record<string, string>, platform = 'linux'): Promise<Tree> {
  const tree = await buildTree([], platform);
  for (const [relative, text] of Object.entries(files)) {
    const file = path.join(tree.root, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text.split('__WORKSPACE__').join(JSON.stringify(tree.folder).slice(1, -1)));
  }
  return tree;
}
