import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ClientCapabilities, ElicitRequest, ElicitResult, Root } from '@modelcontextprotocol/sdk/types.js';
import { ElicitRequestSchema, ErrorCode, ListRootsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Event } from '../common/events';

/** Asks the user what a server requests (elicitation); resolves with the answer to send back. */
export type Elicitor = (request: { server: string; params: ElicitRequest['params'] }, signal: AbortSignal) => Promise<ElicitResult>;

/** The roots offered to servers (the workspace folders, as file URIs), and when they change. */
export interface RootsSource {
  list(): Root[];
  readonly onDidChange: Event<void>;
}

/** What the client can answer when a server asks it something. */
export interface ServerRequestHandlers {
  elicit?: Elicitor;
  roots?: RootsSource;
  /** Says, for the log, what a server asked and how it was answered. */
  note: (text: string, level: 'info' | 'warn') => void;
}

/** The capabilities the client declares: only what it can answer. */
export function clientCapabilities(handlers: Pick<ServerRequestHandlers, 'elicit' | 'roots'>): ClientCapabilities {
  return {
    ...(handlers.elicit ? { elicitation: { form: {}, url: {} } } : {}),
    ...(handlers.roots ? { roots: { listChanged: true } } : {}),
  };
}

/**
 * Answers the requests a server sends the client: elicitation (through the user), roots (the
 * workspace folders), and sampling — declined with a clear error, since there is no language model
 * here (the client does not declare it; a server that asks anyway is told so, and the log says so).
 */
export function answerServerRequests(client: Client, server: string, handlers: ServerRequestHandlers): void {
  const { elicit, roots, note } = handlers;
  if (elicit) {
    client.setRequestHandler(ElicitRequestSchema, async (request, extra) => {
      const answer = await elicit({ server, params: request.params }, extra.signal);
      note(`elicitation/create — ${answer.action === 'accept' ? 'accepted' : answer.action === 'decline' ? 'declined' : 'cancelled'} by the user`, 'info');
      return answer;
    });
  }
  if (roots) client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: roots.list() }));
  client.fallbackRequestHandler = async (request) => {
    if (request.method === 'sampling/createMessage') {
      note('The server asked for a language-model completion (sampling/createMessage) — declined: MCP Connections has no model to sample with', 'warn');
      throw new McpError(ErrorCode.MethodNotFound, 'Sampling is not supported: MCP Connections has no language model to sample with');
    }
    throw new McpError(ErrorCode.MethodNotFound, `Method not found: ${request.method}`);
  };
}
