import { validateServer } from '../config/validate';
import type { Candidate } from './parse';

/** Where a server of ours is also configured in VS Code's own MCP configuration. */
export interface ChatDuplicate {
  /** `VS Code's mcp.json (user)` or `VS Code's mcp.json (workspace app)`. */
  where: string;
  /** The server's name in that file. */
  nameThere: string;
}

/** One of our servers, as far as comparing URLs goes. */
export interface OurServer {
  name: string;
  /** The normalised URL (`endpoint.configured`). */
  url: string;
}

/**
 * Our servers that VS Code's own `mcp.json` files also define (same URL after normalisation): chat
 * would list their tools twice. `candidates` are what discovery read from the VS Code sources; the
 * first file that has a URL wins (discovery lists workspace files before the user file). Pure.
 */
export function findChatDuplicates(candidates: readonly Candidate[], ours: readonly OurServer[]): Map<string, ChatDuplicate> {
  const byUrl = new Map<string, ChatDuplicate>();
  for (const candidate of candidates) {
    if (candidate.kind !== 'remote' || candidate.source.client !== 'vscode') continue;
    const url = normalisedUrl(candidate.url);
    if (url === undefined || byUrl.has(url)) continue;
    byUrl.set(url, { where: whereIn(candidate.source), nameThere: candidate.name });
  }
  const found = new Map<string, ChatDuplicate>();
  for (const server of ours) {
    const duplicate = byUrl.get(server.url);
    if (duplicate) found.set(server.name, duplicate);
  }
  return found;
}

/** The sentence for the tree's tooltip and the log. */
export function describeChatDuplicate(duplicate: ChatDuplicate): string {
  return `${duplicate.where} as "${duplicate.nameThere}" — its tools would appear twice in chat`;
}

/** A URL with variables in it (`${input:…}`) is not a URL we can compare, and is left out. */
function normalisedUrl(url: string): string | undefined {
  if (url.includes('${')) return undefined;
  return validateServer('compare', { url: url.trim() }, 'user').config?.endpoint.configured;
}

function whereIn(source: Candidate['source']): string {
  if (source.scope === 'user') return "VS Code's mcp.json (user)";
  const folder = source.folder?.split(/[\\/]/).filter(Boolean).pop() ?? '';
  return `VS Code's mcp.json (workspace ${folder})`;
}
