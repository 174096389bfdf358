// The arguments last sent to each tool of each server, so that the Call Tool form opens with them.
//
// Where: one key of the extension's globalState (a vscode.Memento; stored unencrypted on disk, and kept
// across workspaces). What: only what the user typed into the form, never headers or secrets from the
// server settings. Limits, by judgement:
//  - A tool whose schema marks any value as a secret (`format: "password"` or `writeOnly: true`,
//    anywhere in the schema) gets nothing stored, and what was stored for it is dropped.
//  - Values of fields whose *name* says secret (password, passphrase, secret, token, api key, access
//    key, private key, credential(s), client secret) are left out of what is stored, in any tool: servers
//    rarely mark such fields, and a remembered token in a plain settings database is a leak.
//  - One tool's arguments are stored only when they are at most 64 KB as JSON (UTF-8); larger ones
//    (pasted documents, base64 data) are not, and the older entry is dropped so the form does not offer
//    stale arguments. All entries together stay under 512 KB: the least recently used go first.
import { isRecord, marksSecret, setOwn } from './schemaForm';

/** The part of vscode.Memento used here (ExtensionContext.globalState is one). */
export interface MementoLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export const LAST_ARGUMENTS_KEY = 'mcpConnections.lastArguments';

export interface LastArgumentsLimits {
  /** Largest stored arguments of one tool, in bytes of UTF-8 JSON. */
  maxEntryBytes: number;
  /** Largest total, in bytes of UTF-8 JSON, over all entries. */
  maxTotalBytes: number;
}

export const DEFAULT_LIMITS: LastArgumentsLimits = { maxEntryBytes: 64 * 1024, maxTotalBytes: 512 * 1024 };

interface Entry {
  server: string;
  tool: string;
  args: Record<string, unknown>;
  /** When it was stored (ms since epoch), for least-recently-used eviction. */
  at: number;
}

interface Stored {
  v: 1;
  entries: Entry[];
}

export type RememberOutcome = 'stored' | 'secret-schema' | 'too-large';

const SECRET_WORDS = new Set(['password', 'passwd', 'passphrase', 'secret', 'token', 'credential', 'credentials', 'apikey']);
const SECRET_PAIRS = new Set(['api key', 'access key', 'private key', 'client secret', 'secret key', 'auth token', 'bearer token']);

/** Whether a property name reads as a secret: "password", "api_key", "apiKey", "X-Auth-Token", "clientSecret"… */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  return words.some((w, i) => i > 0 && SECRET_PAIRS.has(`${words[i - 1]} ${w}`));
}

/** The arguments without values under secret-sounding names, at any depth. */
function withoutSecretNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecretNames);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) if (!isSecretName(key)) setOwn(out, key, withoutSecretNames(inner));
  return out;
}

function bytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

export class LastArguments {
  constructor(
    private readonly memento: MementoLike,
    private readonly limits: LastArgumentsLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The arguments last sent to this tool of this server, if remembered. */
  get(server: string, tool: string): Record<string, unknown> | undefined {
    const entry = this.read().entries.find((e) => e.server === server && e.tool === tool);
    return entry ? structuredClone(entry.args) : undefined;
  }

  /** Remembers the arguments just sent (see the limits above); says what it did. */
  async remember(server: string, tool: string, schema: unknown, args: Record<string, unknown>): Promise<RememberOutcome> {
    const others = this.read().entries.filter((e) => !(e.server === server && e.tool === tool));
    if (marksSecret(schema)) {
      await this.write(others);
      return 'secret-schema';
    }
    const kept = withoutSecretNames(args) as Record<string, unknown>;
    if (bytes(kept) > this.limits.maxEntryBytes) {
      await this.write(others);
      return 'too-large';
    }
    const entries = [{ server, tool, args: kept, at: this.now() }, ...others.sort((a, b) => b.at - a.at)];
    while (entries.length > 1 && bytes({ v: 1, entries }) > this.limits.maxTotalBytes) entries.pop();
    await this.write(entries);
    return 'stored';
  }

  /** Forgets one tool's arguments, or all of a server's (e.g. when the server is removed). */
  async forget(server: string, tool?: string): Promise<void> {
    const entries = this.read().entries.filter((e) => !(e.server === server && (tool === undefined || e.tool === tool)));
    await this.write(entries);
  }

  private read(): Stored {
    const stored = this.memento.get<unknown>(LAST_ARGUMENTS_KEY);
    if (!isRecord(stored) || stored.v !== 1 || !Array.isArray(stored.entries)) return { v: 1, entries: [] };
    const entries = stored.entries.filter(
      (e): e is Entry => isRecord(e) && typeof e.server === 'string' && typeof e.tool === 'string' && isRecord(e.args) && typeof e.at === 'number',
    );
    return { v: 1, entries };
  }

  private async write(entries: Entry[]): Promise<void> {
    await this.memento.update(LAST_ARGUMENTS_KEY, entries.length > 0 ? ({ v: 1, entries } satisfies Stored) : undefined);
  }
}
