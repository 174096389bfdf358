import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AuthStore } from './types';

/** `$MCP_CONNECTIONS_HOME`, else `$XDG_CONFIG_HOME/mcp-connections`, else `~/.config/mcp-connections`. */
export function defaultAuthHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MCP_CONNECTIONS_HOME) return env.MCP_CONNECTIONS_HOME;
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(config, 'mcp-connections');
}

/**
 * The CLI's `AuthStore`: one file per key in `<home>/auth/`, the directory 0700 and every file 0600 (tokens and client
 * secrets live here). File names are hashes of the keys (keys hold server names and URLs, which are not file-name
 * safe). Writes are atomic: a temporary file in the same directory, renamed over the old one.
 */
export class FileAuthStore implements AuthStore {
  readonly directory: string;

  constructor(home: string) {
    this.directory = join(home, 'auth');
  }

  async get(key: string): Promise<string | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.fileFor(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const entry = JSON.parse(text) as { key?: unknown; value?: unknown };
      return entry.key === key && typeof entry.value === 'string' ? entry.value : undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: string): Promise<void> {
    await this.ensureDirectory();
    const file = this.fileFor(key);
    const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await fs.open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify({ key, value }));
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(temporary, file);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.fileFor(key), { force: true });
  }

  private fileFor(key: string): string {
    return join(this.directory, `${createHash('sha256').update(key).digest('hex')}.json`);
  }

  /** Created 0700; an existing directory is narrowed to 0700 too (it holds secrets). Cheap enough to do on every write. */
  private async ensureDirectory(): Promise<void> {
    await fs.mkdir(this.directory, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') await fs.chmod(this.directory, 0o700);
  }
}
