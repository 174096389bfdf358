import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import { isServerGone } from '../transport/failures';
import { linkSignal } from '../transport/http';
import { Failure, failureOf } from './failures';
import type { Capabilities } from './state';

/** A list is read to its end, but not past these: enough for real servers, bounded for hostile ones. */
export const MAX_LIST_ITEMS = 10_000;
export const MAX_LIST_PAGES = 1000;

export type ListName = 'tools' | 'resources' | 'resourceTemplates' | 'prompts';
export const LIST_NAMES: readonly ListName[] = ['tools', 'resources', 'resourceTemplates', 'prompts'];
/** Each list as a sentence names it. */
export const LIST_LABELS: Record<ListName, string> = { tools: 'tools', resources: 'resources', resourceTemplates: 'resource templates', prompts: 'prompts' };

/** One of a server's lists: its items (de-duplicated), and why it is incomplete or failed, if it is. */
export interface ListResult<T> {
  items: T[];
  /** Why the list stops short of what the server offers (a repeated cursor, too many items). */
  cut?: string;
  /** Why the list could not be read (one sentence, safe to show); `items` is empty then. */
  error?: string;
}

export interface Catalog {
  tools: ListResult<Tool>;
  resources: ListResult<Resource>;
  resourceTemplates: ListResult<ResourceTemplate>;
  prompts: ListResult<Prompt>;
}

export function capabilitiesOf(client: Client): Capabilities {
  const caps = client.getServerCapabilities() ?? {};
  return {
    tools: !!caps.tools,
    resources: !!caps.resources,
    prompts: !!caps.prompts,
    logging: !!caps.logging,
    subscribe: !!caps.resources?.subscribe,
    completions: !!caps.completions,
  };
}

interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** How each list is read and what makes two of its items the same. */
const READERS: { [K in ListName]: { enabled: (c: Capabilities) => boolean; key: (item: Catalog[K]['items'][number]) => string; page: (client: Client, cursor: string | undefined, options: RequestOptions) => Promise<Page<Catalog[K]['items'][number]>> } } = {
  tools: { enabled: (c) => c.tools, key: (t) => t.name, page: async (client, cursor, options) => paged(await client.listTools(cursor ? { cursor } : undefined, options), 'tools') },
  resources: { enabled: (c) => c.resources, key: (r) => r.uri, page: async (client, cursor, options) => paged(await client.listResources(cursor ? { cursor } : undefined, options), 'resources') },
  resourceTemplates: {
    enabled: (c) => c.resources,
    key: (t) => t.uriTemplate,
    page: async (client, cursor, options) => paged(await client.listResourceTemplates(cursor ? { cursor } : undefined, options), 'resourceTemplates'),
  },
  prompts: { enabled: (c) => c.prompts, key: (p) => p.name, page: async (client, cursor, options) => paged(await client.listPrompts(cursor ? { cursor } : undefined, options), 'prompts') },
};

interface RequestOptions {
  signal?: AbortSignal;
  timeout: number;
  /** The sentence for a list's failure. */
  sentence: (failure: Failure) => string;
}

/**
 * Reads the lists the server has. One list that fails does not fail the others (it carries its
 * failure); a failure that means the server is gone or needs a sign-in, or a cancel, fails the whole read.
 */
export async function fetchCatalog(client: Client, capabilities: Capabilities, options: RequestOptions, only: readonly ListName[] = LIST_NAMES): Promise<Partial<Catalog>> {
  const entries = await Promise.all(only.map(async (name) => [name, await fetchList(client, name, capabilities, options)] as const));
  return Object.fromEntries(entries) as Partial<Catalog>;
}

export function emptyCatalog(): Catalog {
  return { tools: { items: [] }, resources: { items: [] }, resourceTemplates: { items: [] }, prompts: { items: [] } };
}

async function fetchList<K extends ListName>(client: Client, name: K, capabilities: Capabilities, options: RequestOptions): Promise<Catalog[K]> {
  const reader = READERS[name] as unknown as { enabled: (c: Capabilities) => boolean; key: (item: unknown) => string; page: (client: Client, cursor: string | undefined, options: RequestOptions) => Promise<Page<unknown>> };
  if (!reader.enabled(capabilities)) return { items: [] } as Catalog[K];
  const items = new Map<string, unknown>();
  const cursors = new Set<string>();
  let cursor: string | undefined;
  let cut: string | undefined;
  try {
    for (let pages = 0; ; pages++) {
      // A signal of its own per page: the SDK adds a listener to the signal of every request.
      const link = linkSignal(options.signal);
      const page = await reader.page(client, cursor, { ...options, signal: link.signal }).finally(link.release);
      for (const item of page.items) {
        if (items.size >= MAX_LIST_ITEMS) break;
        const key = reader.key(item);
        if (!items.has(key)) items.set(key, item);
      }
      cursor = page.nextCursor;
      if (!cursor) break;
      if (items.size >= MAX_LIST_ITEMS) cut = `the server offers more than ${MAX_LIST_ITEMS.toLocaleString('en-US')} items`;
      else if (cursors.has(cursor)) cut = 'the server sent the same page cursor twice';
      else if (pages + 1 >= MAX_LIST_PAGES) cut = `the server sent more than ${MAX_LIST_PAGES.toLocaleString('en-US')} pages`;
      if (cut) break;
      cursors.add(cursor);
    }
  } catch (error) {
    const failure = failureOf(error);
    // A list that needs a sign-in (or more permissions) fails the read: the user's answer is to sign in, not to read on.
    if (options.signal?.aborted || (failure.kind === 'network' && isServerGone(failure.failure)) || failure.kind === 'sign-in-required') throw error;
    return { items: [], error: options.sentence(failure) } as Catalog[K];
  }
  return { items: [...items.values()], ...(cut ? { cut } : {}) } as Catalog[K];
}

function paged<K extends ListName>(result: { nextCursor?: string } & Record<string, unknown>, key: K): Page<Catalog[K]['items'][number]> {
  return { items: result[key] as Catalog[K]['items'], nextCursor: result.nextCursor };
}
