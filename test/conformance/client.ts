/**
 * The client under test for the official MCP conformance suite (`@modelcontextprotocol/conformance`,
 * client mode). The runner starts a scenario server, then runs
 *
 *     node out/test/conformance/client.js <server-url>
 *
 * with `MCP_CONFORMANCE_SCENARIO=<name>` in the environment. See scripts/conformance.mjs.
 *
 * STRICT MODE: any error that reaches `client.onerror` (our transport forwards only the errors it did
 * not deliberately tolerate), any failed expectation, and running past the global timeout exit the
 * process non-zero. Events the transport tolerates on purpose (`get-fallback`, a resumed stream …) are
 * printed to stderr as `info` lines, so `stderr.txt` in the results shows what happened and why.
 *
 * Environment:
 *   MCP_CONFORMANCE_SCENARIO           scenario name (set by the runner)
 *   MCP_CONFORMANCE_STOCK=1            use the SDK's stock StreamableHTTPClientTransport instead of ours
 *                                      (to show that strict mode fails where the stock transport reports
 *                                      a harmless GET 404 as an error)
 *   MCP_CONFORMANCE_CLIENT_TIMEOUT_MS  global timeout (default 30000)
 *   MCP_CONFORMANCE_WIRE=0             leave the transport's wire trace out of stderr
 *   MCP_CONFORMANCE_CONTEXT            JSON the runner gives some auth scenarios (a pre-registered client)
 *
 * auth/* scenarios go through the product's own Connection (src/connections/connection.ts) with an
 * in-memory token store, as a user would: connect → "needs sign-in" → Sign In (the authorization URL
 * opened by a headless browser that follows the scenario server's redirect into the sign-in's real
 * loopback listener) → the operation again; a request that needs more permissions gets one more sign-in,
 * at most 3 per operation.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CallToolResult, ElicitRequestSchema, ElicitResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { createHeaderSource } from '../../src/config/headerValues';
import { DEFAULT_GLOBAL_SETTINGS } from '../../src/config/serverConfig';
import { validateServer } from '../../src/config/validate';
import { Connection, ConnectionError } from '../../src/connections/connection';
import { resolveEndpoint } from '../../src/transport/endpoint';
import { headlessBrowser } from '../support/headlessBrowser';
import { MemoryAuthStore } from '../support/memoryAuthStore';
import { TolerantTransport } from '../../src/transport/tolerantTransport';
import { TransportEvent } from '../../src/transport/types';

const TAG = '[conformance-client]';
const started = Date.now();
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
const stock = process.env.MCP_CONFORMANCE_STOCK === '1';
const showWire = process.env.MCP_CONFORMANCE_WIRE !== '0';
const timeoutMs = Number(process.env.MCP_CONFORMANCE_CLIENT_TIMEOUT_MS ?? 30_000);

function log(level: 'info' | 'wire' | 'error', text: string): void {
  process.stderr.write(`${TAG} ${String(Date.now() - started).padStart(5)} ms ${level}: ${text}\n`);
}

function fail(text: string, code = 1): never {
  log('error', text);
  process.exit(code);
}

class ExpectationError extends Error {}

function expect(condition: unknown, text: string): asserts condition {
  if (!condition) throw new ExpectationError(text);
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${error.name}${code !== undefined ? ` (code ${String(code)})` : ''}: ${error.message}`;
}

// ---- the connection ---------------------------------------------------------------------------------

const globalTimer = setTimeout(() => fail(`scenario "${scenario}" did not finish within ${timeoutMs} ms`, 3), timeoutMs);

let closing = false;
const events: TransportEvent[] = [];

function makeTransport(url: URL): Transport & { readonly mode?: string } {
  if (stock) {
    log('info', 'using the stock SDK StreamableHTTPClientTransport (MCP_CONFORMANCE_STOCK=1)');
    return new StreamableHTTPClientTransport(url);
  }
  const transport = new TolerantTransport({ server: `conformance:${scenario || 'generic'}`, endpoint: resolveEndpoint(url) });
  transport.onEvent((event) => {
    events.push(event);
    if (event.kind === 'wire') {
      if (showWire) log('wire', event.text);
      return;
    }
    const { kind, server: _server, time: _time, ...details } = event;
    log('info', `transport event ${kind} ${JSON.stringify(details)}`);
    // These mean the transport gave up on something: never acceptable in a conformance run.
    if (kind === 'session-lost' || kind === 'stream-given-up') fail(`transport event ${kind} ${JSON.stringify(details)}`);
  });
  return transport;
}

function makeClient(capabilities: ConstructorParameters<typeof Client>[1] = {}): Client {
  const client = new Client({ name: 'mcp-connections-conformance', version: '0.1.0' }, capabilities);
  // Client.connect() routes transport.onerror here too, so this sees every transport error.
  client.onerror = (error) => {
    // Aborting the open streams is how close() works; an abort reported while closing is not a failure.
    if (closing && error instanceof Error && (error.name === 'AbortError' || /abort/i.test(error.message))) {
      log('info', `ignored while closing: ${describeError(error)}`);
      return;
    }
    log('error', `client.onerror: ${error instanceof Error && error.stack ? error.stack : describeError(error)}`);
    fail(`strict mode: an error reached client.onerror (${describeError(error)})`);
  };
  return client;
}

async function connect(client: Client, url: URL): Promise<Transport & { readonly mode?: string }> {
  const transport = makeTransport(url);
  await client.connect(transport);
  const version = client.getServerVersion();
  log('info', `connected to ${version?.name ?? '?'} ${version?.version ?? ''}, server capabilities ${JSON.stringify(client.getServerCapabilities())}`);
  return transport;
}

async function close(client: Client, transport: Transport & { readonly mode?: string }): Promise<void> {
  closing = true;
  if (transport instanceof TolerantTransport) log('info', `closing; stream mode ${transport.mode}, re-initialisations ${transport.reinitialisations}`);
  await client.close();
  log('info', 'closed');
}

function textOf(result: CallToolResult): string {
  return result.content
    .filter((part): part is { type: 'text'; text: string } => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}

async function listTools(client: Client): Promise<Tool[]> {
  const { tools } = await client.listTools();
  log('info', `tools/list: ${tools.map((tool) => tool.name).join(', ') || '(none)'}`);
  return tools;
}

async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  log('info', `tools/call ${name} ${JSON.stringify(args)} → ${JSON.stringify(result.content)}${result.isError ? ' (isError)' : ''}`);
  expect(!result.isError, `tools/call ${name} returned isError: ${textOf(result)}`);
  return result;
}

/** The values an elicitation form would show pre-filled: every property's `default`. */
export function schemaDefaults(schema: { properties?: Record<string, unknown> } | undefined): Record<string, string | number | boolean | string[]> {
  const content: Record<string, string | number | boolean | string[]> = {};
  for (const [name, property] of Object.entries(schema?.properties ?? {})) {
    const value = (property as { default?: unknown }).default;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') content[name] = value;
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) content[name] = value;
  }
  return content;
}

// ---- scenarios --------------------------------------------------------------------------------------

type Scenario = (url: URL) => Promise<void>;

const scenarios: Record<string, Scenario> = {
  // Connect (initialize + notifications/initialized), then close.
  initialize: async (url) => {
    const client = makeClient();
    const transport = await connect(client, url);
    expect(client.getServerCapabilities() !== undefined, 'no server capabilities after initialize');
    await close(client, transport);
  },

  // Connect, list the tools, call the one listed (add_numbers in 0.1.16) and check its answer.
  tools_call: async (url) => {
    const client = makeClient();
    const transport = await connect(client, url);
    const tools = await listTools(client);
    expect(tools.length > 0, 'the server listed no tools');
    for (const tool of tools) {
      const properties = tool.inputSchema.properties ?? {};
      expect('a' in properties && 'b' in properties, `do not know how to call tool ${tool.name} (schema ${JSON.stringify(tool.inputSchema)})`);
      const result = await callTool(client, tool.name, { a: 5, b: 3 });
      expect(/\b8\b/.test(textOf(result)), `${tool.name}(5, 3) did not answer 8: ${textOf(result)}`);
    }
    await close(client, transport);
  },

  // Declare the elicitation capability; answer every elicitation with the requested schema's defaults.
  'elicitation-sep1034-client-defaults': async (url) => {
    const client = makeClient({ capabilities: { elicitation: { form: {} } } });
    let elicitations = 0;
    client.setRequestHandler(ElicitRequestSchema, async (request): Promise<ElicitResult> => {
      elicitations++;
      const params = request.params as { message: string; requestedSchema?: { properties?: Record<string, unknown> } };
      const content = schemaDefaults(params.requestedSchema);
      log('info', `elicitation/create "${params.message}" → accept ${JSON.stringify(content)}`);
      return { action: 'accept', content };
    });
    const transport = await connect(client, url);
    const tools = await listTools(client);
    expect(tools.length > 0, 'the server listed no tools');
    for (const tool of tools) {
      const result = await callTool(client, tool.name, {});
      expect(/^Elicitation completed/.test(textOf(result)), `${tool.name}: the server did not accept the elicitation answer: ${textOf(result)}`);
    }
    expect(elicitations > 0, 'the server sent no elicitation request');
    await close(client, transport);
  },

  // The tools/call answer is an SSE stream that sends a priming event (id + `retry: 500`) and is closed
  // 50 ms later without the result. The client must wait `retry` ms (the server checks 450–700 ms),
  // reconnect with GET + Last-Event-ID, and receive the result on that stream. The SDK transport does
  // the waiting and resuming; we only have to keep the request open until the result arrives.
  'sse-retry': async (url) => {
    const client = makeClient();
    const transport = await connect(client, url);
    const tools = await listTools(client);
    expect(tools.length > 0, 'the server listed no tools');
    for (const tool of tools) {
      const sent = Date.now();
      const result = await callTool(client, tool.name, {});
      log('info', `tools/call ${tool.name} answered after ${Date.now() - sent} ms`);
      expect(/completed successfully/.test(textOf(result)), `${tool.name}: unexpected answer ${textOf(result)}`);
    }
    if (transport instanceof TolerantTransport) {
      expect(events.some((event) => event.kind === 'answer-resumed'), 'the transport reported no resumed answer stream');
    }
    await close(client, transport);
  },
};

// ---- auth/* ---------------------------------------------------------------------------------------

/** What a client ID metadata document URL looks like to the scenarios (never fetched by them). */
const CONFORMANCE_CLIENT_METADATA_URL = 'https://conformance-test.local/client-metadata.json';
const MAX_SIGN_INS_PER_OPERATION = 3;

/** connect, tools/list, tools/call test-tool, close — each signed in when the server asks for it. */
async function authScenario(url: URL): Promise<void> {
  const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? '{}') as { client_id?: string; client_secret?: string };
  const oauth: Record<string, string> = { clientMetadataUrl: CONFORMANCE_CLIENT_METADATA_URL };
  if (context.client_id) oauth.clientId = context.client_id;
  if (context.client_secret) oauth.clientSecret = context.client_secret;
  const entry = validateServer(`conformance:${scenario}`, { url: url.href, oauth }, 'user');
  expect(entry.config, `the entry is invalid: ${entry.problem}`);
  const line = (level: 'info' | 'error') => (text: string) => {
    log(level === 'error' ? 'error' : 'info', text);
    // Strict mode: the connection reports a transport error it did not tolerate on purpose.
    if (text.includes('] Transport error:')) fail(`strict mode: ${text}`);
  };
  const browse = headlessBrowser();
  let browserOpened = 0;
  const connection = new Connection(entry, {
    logger: { trace: (text) => showWire && log('wire', text), debug: line('info'), info: line('info'), warn: line('info'), error: line('error') },
    settings: DEFAULT_GLOBAL_SETTINGS,
    headers: createHeaderSource(async () => undefined),
    clientInfo: { name: 'mcp-connections-conformance', version: '0.1.0' },
    authStore: new MemoryAuthStore(),
    openBrowser: async (authorizationUrl) => {
      browserOpened++;
      log('info', `browser ${browserOpened}: ${authorizationUrl.origin}${authorizationUrl.pathname}`);
      await browse(authorizationUrl);
    },
    signInTimeoutMs: 15_000,
  });

  /** The operation; when it fails for want of a sign-in, Sign In (as the user would) and try again: at most 3 sign-ins. */
  const signedIn = async <T>(what: string, operation: () => Promise<T>): Promise<T> => {
    let attempt = operation;
    for (let signIns = 0; ; ) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof ConnectionError) || error.failure.kind !== 'sign-in-required') throw error;
        expect(signIns < MAX_SIGN_INS_PER_OPERATION, `${what}: still needs a sign-in after ${signIns} sign-ins (${error.reason})`);
        signIns++;
        log('info', `${what}: ${error.reason} → Sign In (${signIns})`);
        // A sign-in whose connect needs another one (more permissions) counts as the next attempt.
        attempt = async () => {
          await connection.signIn();
          return operation();
        };
      }
    }
  };

  try {
    await signedIn('connect', () => connection.connect());
    let state = connection.state;
    expect(state.kind === 'connected', `not connected: ${state.kind}`);
    if (state.catalog.tools.error) await signedIn('tools/list', () => connection.refreshLists(['tools']));
    state = connection.state;
    expect(state.kind === 'connected', `not connected: ${state.kind}`);
    const tools = state.catalog.tools;
    expect(!tools.error, `tools/list failed: ${tools.error}`);
    log('info', `tools/list: ${tools.items.map((tool) => tool.name).join(', ') || '(none)'}`);
    if (tools.items.some((tool) => tool.name === 'test-tool')) {
      const result = await signedIn('tools/call test-tool', () => connection.callTool('test-tool', {}));
      log('info', `tools/call test-tool → ${JSON.stringify(result.content)}`);
    }
    const status = await connection.authStatus();
    log('info', `signed in: ${status ? `${status.issuer}, scopes "${status.scopes.join(' ')}"` : 'no'}; browser opened ${browserOpened}×`);
  } finally {
    closing = true;
    await connection.dispose();
  }
}

// Any scenario this client does not know: connect, list the tools, close.
const generic: Scenario = async (url) => {
  const client = makeClient();
  const transport = await connect(client, url);
  await listTools(client);
  await close(client, transport);
};

// ---- main -------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const target = process.argv[process.argv.length - 1];
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    fail(`usage: MCP_CONFORMANCE_SCENARIO=<name> node client.js <server-url> (last argument "${target ?? ''}" is not a URL)`, 2);
  }
  const run: Scenario | undefined = Object.hasOwn(scenarios, scenario) ? scenarios[scenario] : scenario.startsWith('auth/') ? authScenario : undefined;
  log('info', `scenario "${scenario}"${run ? '' : ' (not known: generic connect, tools/list, close)'} against ${url.href}; ${stock ? 'stock SDK transport' : 'TolerantTransport'}; timeout ${timeoutMs} ms`);
  await (run ?? generic)(url);
  clearTimeout(globalTimer);
  log('info', `scenario "${scenario}" done in ${Date.now() - started} ms`);
  // Nothing may keep the process alive after close: a left-over timer or socket would show up here.
  const linger = setTimeout(() => fail('the process did not exit within 5 s after close (something was left open)', 4), 5000);
  linger.unref();
}

main().catch((error: unknown) => {
  fail(error instanceof ExpectationError ? `expectation failed: ${error.message}` : `scenario failed: ${error instanceof Error && error.stack ? error.stack : describeError(error)}`);
});
