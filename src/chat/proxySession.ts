import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
  CompleteRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  Progress,
  ReadResourceRequestSchema,
  ServerCapabilities,
  ServerNotification,
  ServerRequest,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { Disposable } from '../common/events';
import type { ListName, ListResult } from '../connections/catalog';
import { Connection, ConnectionError, UseOptions } from '../connections/connection';
import type { ConnectedState } from '../connections/state';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Said in our log for each request chat makes ("[docs] chat: tools/call search — ok in 182 ms"). */
const ORIGIN = 'chat';

/**
 * One chat session's MCP server: a real SDK `Server` that answers from our connection — the lists
 * from what the connection read (tools unchanged, so chat's names stay the server's), every request
 * through the connection (its transport, re-initialisation, timeouts and log), progress and
 * cancellation both ways, the server's elicitations relayed to chat's client, list changes, resource
 * updates and log messages passed on. It names itself after the configured server.
 */
export class ProxySession {
  readonly server: Server;
  private readonly subscribed = new Set<string>();
  private readonly watches: Disposable[] = [];
  private lists: ConnectedState['catalog'];

  constructor(private readonly connection: Connection) {
    const state = connected(connection);
    this.lists = state.catalog;
    this.server = new Server({ name: connection.name, version: state.server.version ?? '0.0.0' }, { capabilities: capabilitiesFor(state) });
    this.answer();
    this.watches.push(
      connection.onDidChange(() => this.passOnListChanges()),
      connection.onDidUpdateResource((uri) => {
        if (this.subscribed.has(uri)) void this.server.sendResourceUpdated({ uri }).catch(() => undefined);
      }),
      connection.onDidLogMessage((params) => void this.server.sendLoggingMessage(params).catch(() => undefined)),
    );
  }

  private answer(): void {
    const { server, connection } = this;
    const forward = <T>(request: () => Promise<T>) => forwardTo(connection, request);
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: await this.list('tools') }));
    server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: await this.list('resources') }));
    server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({ resourceTemplates: await this.list('resourceTemplates') }));
    server.setRequestHandler(ListPromptsRequestSchema, async () => ({ prompts: await this.list('prompts') }));
    server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
      this.withElicitationRelay(extra, () => forward(() => connection.callTool(request.params.name, request.params.arguments ?? {}, useOptions(extra)))),
    );
    server.setRequestHandler(ReadResourceRequestSchema, (request, extra) => forward(() => connection.readResource(request.params.uri, useOptions(extra))));
    server.setRequestHandler(GetPromptRequestSchema, (request, extra) =>
      this.withElicitationRelay(extra, () => forward(() => connection.getPrompt(request.params.name, request.params.arguments, useOptions(extra)))),
    );
    if (connected(connection).capabilities.completions) {
      server.setRequestHandler(CompleteRequestSchema, (request, extra) => forward(() => connection.complete(request.params, { signal: extra.signal, origin: ORIGIN })));
    }
    server.setRequestHandler(SubscribeRequestSchema, async (request) => {
      this.subscribed.add(request.params.uri);
      await forward(() => connection.subscribe(request.params.uri));
      return {};
    });
    server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
      this.subscribed.delete(request.params.uri);
      await forward(() => connection.unsubscribe(request.params.uri));
      return {};
    });
  }

  /** The list as the connection read it (connecting again first if it dropped); a list it could not read fails here too, with its sentence. */
  private async list<T extends ListName>(name: T): Promise<ListResult<unknown>['items']> {
    await forwardTo(this.connection, () => this.connection.ensureConnected());
    const result = connected(this.connection).catalog[name];
    if (result.error && !result.items.length) throw new McpError(ErrorCode.InternalError, result.error);
    return result.items;
  }

  /** While a call from chat runs, the server's questions go to chat's client when it can answer them. */
  private async withElicitationRelay<T>(extra: Extra, work: () => Promise<T>): Promise<T> {
    const relay = this.server.getClientCapabilities()?.elicitation
      ? this.connection.relayElicitation((request, signal) => this.server.elicitInput(request.params, { relatedRequestId: extra.requestId, signal }))
      : undefined;
    try {
      return await work();
    } finally {
      relay?.dispose();
    }
  }

  private passOnListChanges(): void {
    const state = this.connection.state;
    if (state.kind !== 'connected') return;
    const before = this.lists;
    this.lists = state.catalog;
    const send = (changed: boolean, notify: () => Promise<void>) => changed && void notify().catch(() => undefined);
    send(before.tools !== state.catalog.tools, () => this.server.sendToolListChanged());
    send(before.resources !== state.catalog.resources || before.resourceTemplates !== state.catalog.resourceTemplates, () => this.server.sendResourceListChanged());
    send(before.prompts !== state.catalog.prompts, () => this.server.sendPromptListChanged());
  }

  async close(): Promise<void> {
    this.watches.forEach((w) => w.dispose());
    await this.server.close().catch(() => undefined);
  }
}

function connected(connection: Connection): ConnectedState {
  const state = connection.state;
  if (state.kind !== 'connected') throw new McpError(ErrorCode.InternalError, `The MCP server "${connection.name}" is not connected.`);
  return state;
}

/** What chat is told the server offers: what the server offers us. */
function capabilitiesFor(state: ConnectedState): ServerCapabilities {
  const { tools, resources, prompts, logging, subscribe, completions } = state.capabilities;
  return {
    ...(tools ? { tools: { listChanged: true } } : {}),
    ...(resources ? { resources: { listChanged: true, subscribe } } : {}),
    ...(prompts ? { prompts: { listChanged: true } } : {}),
    ...(logging ? { logging: {} } : {}),
    ...(completions ? { completions: {} } : {}),
  };
}

/** Chat's cancellation and progress token, carried to the upstream request. */
function useOptions(extra: Extra): UseOptions {
  const token = extra._meta?.progressToken;
  const onProgress =
    token === undefined ? undefined : (progress: Progress) => void extra.sendNotification({ method: 'notifications/progress', params: { ...progress, progressToken: token } }).catch(() => undefined);
  return { signal: extra.signal, origin: ORIGIN, onProgress };
}

/**
 * A failure becomes our sentence (redacted: chat's client logs it); the upstream's JSON-RPC error
 * code is kept, so chat can tell invalid parameters from a failing server.
 */
async function forwardTo<T>(connection: Connection, request: () => Promise<T>): Promise<T> {
  try {
    // A connection that dropped (and is reconnecting) is waited for, as a call from the tree would.
    await connection.ensureConnected();
    return await request();
  } catch (error) {
    const code = error instanceof ConnectionError && error.failure.kind === 'mcp-error' ? error.failure.code : ErrorCode.InternalError;
    throw new McpError(code, error instanceof Error ? error.message : String(error));
  }
}
