import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Capabilities, ListedItem } from './state';

const MAX_LIST_PAGES = 50;

export interface Lists {
  tools: ListedItem[];
  resources: ListedItem[];
  prompts: ListedItem[];
}

export function capabilitiesOf(client: Client): Capabilities {
  const caps = client.getServerCapabilities() ?? {};
  return { tools: !!caps.tools, resources: !!caps.resources, prompts: !!caps.prompts, logging: !!caps.logging };
}

/** Reads the server's tools, resources and prompts (those it has), following pages. */
export async function fetchLists(client: Client, capabilities: Capabilities, options: { signal?: AbortSignal; timeout: number }): Promise<Lists> {
  const collect = async <T>(enabled: boolean, page: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string }>) => {
    if (!enabled) return [];
    const items: T[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < MAX_LIST_PAGES; pages++) {
      const result = await page(cursor);
      items.push(...result.items);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    return items;
  };
  const [tools, resources, prompts] = await Promise.all([
    collect(capabilities.tools, async (cursor) => {
      const r = await client.listTools(cursor ? { cursor } : undefined, options);
      return { items: r.tools.map(item), nextCursor: r.nextCursor };
    }),
    collect(capabilities.resources, async (cursor) => {
      const r = await client.listResources(cursor ? { cursor } : undefined, options);
      return { items: r.resources.map(item), nextCursor: r.nextCursor };
    }),
    collect(capabilities.prompts, async (cursor) => {
      const r = await client.listPrompts(cursor ? { cursor } : undefined, options);
      return { items: r.prompts.map(item), nextCursor: r.nextCursor };
    }),
  ]);
  return { tools, resources, prompts };
}

function item(entry: { name: string; title?: string; description?: string }): ListedItem {
  return { name: entry.name, title: entry.title, description: entry.description };
}
