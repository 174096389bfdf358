import { issuerHost } from '../auth/errors';
import { defaultAuthHome, FileAuthStore } from '../auth/fileStore';
import type { Logger } from '../common/logger';
import { silentLogger } from '../common/logger';
import { createHeaderSource } from '../config/headerValues';
import { DEFAULT_GLOBAL_SETTINGS, ValidEntry } from '../config/serverConfig';
import { Connection, ConnectionError } from '../connections/connection';
import { version } from '../../package.json';
import type { CliCommand } from './args';
import { BrowserOpener, printedBrowser, SIGN_IN_WAIT_MS, systemBrowser } from './browser';
import { CommandFailure, performCommand, unlistedHint } from './commands';
import type { CliReport } from './report';
import { SaveError } from './saveContent';

export type { CliReport, ProbeReport } from './report';

const STREAM_SETTLE_MS = 2000;

export const CLI_VERSION: string = version;

/** What a run printed: the report (the --json output), and a line for a person that is no part of it. */
export interface RunOutcome {
  report: CliReport;
  /** E.g. that the server lists no tool of the name asked for. */
  hint?: string;
}

/** Connects once with the same core the extension uses, does the command's work, disconnects. */
export async function runCommand(command: CliCommand, stderr: (line: string) => void): Promise<RunOutcome> {
  const connection = cliConnection(command.entry, {
    logger: command.verbose ? lineLogger(stderr) : silentLogger,
    openBrowser: command.signIn.interactive ? opener(command, stderr) : undefined,
  });

  const started = performance.now();
  const report: CliReport = {
    ok: false,
    url: command.entry.config.endpoint.displayUrl,
    mode: null,
    getFallback: null,
    sessionReinitialised: 0,
    session: false,
    server: { name: null, version: null },
    protocolVersion: null,
    tools: 0,
    toolNames: [],
    auth: { kind: hasAuthorizationHeader(command.entry.config.headers) ? 'header' : 'none' },
    timingsMs: { connect: null, total: 0 },
    error: null,
  };
  let hint: string | undefined;
  try {
    await connectOrSignIn(connection, command);
    report.timingsMs.connect = Math.round(performance.now() - started);
    await connection.whenModeKnown(STREAM_SETTLE_MS);
    await performCommand(command, connection, report);
  } catch (error) {
    report.ok = false;
    report.error = error instanceof ConnectionError || error instanceof CommandFailure || error instanceof SaveError ? error.message : String(error);
  } finally {
    fillFromState(report, connection);
    if (!report.ok) hint = unlistedHint(command, connection.state);
    await connection.dispose();
    report.timingsMs.total = Math.round(performance.now() - started);
  }
  // A server may echo a header value back (in a result, a description, an error): it is shown as ***.
  return { report: redactStrings(report, (text) => connection.redact(text)), hint };
}

/**
 * The connection the CLI's commands use: the extension's core, with sign-ins kept in files
 * (`$MCP_CONNECTIONS_HOME`). `openBrowser` absent: no interactive sign-in.
 */
export function cliConnection(entry: ValidEntry, options: { logger?: Logger; openBrowser?: BrowserOpener } = {}): Connection {
  return new Connection(entry, {
    logger: options.logger ?? silentLogger,
    settings: DEFAULT_GLOBAL_SETTINGS,
    headers: createHeaderSource(async (name) => {
      throw new Error(`\${secret:${name}} works only inside VS Code (Secret Storage); on the command line use \${env:NAME}.`);
    }),
    clientInfo: { name: 'mcp-connections-cli', version: CLI_VERSION },
    authStore: new FileAuthStore(defaultAuthHome()),
    openBrowser: options.openBrowser,
    signInTimeoutMs: SIGN_IN_WAIT_MS,
  });
}

/** Connects; a server that needs a sign-in gets one (the browser opens), unless --no-login said never. */
async function connectOrSignIn(connection: Connection, command: CliCommand): Promise<void> {
  try {
    await connection.connect();
  } catch (error) {
    if (!(error instanceof ConnectionError) || error.failure.kind !== 'sign-in-required') throw error;
    if (!command.signIn.interactive) throw new CommandFailure(noLoginSentence(command, error.failure.issuer));
    await connection.signIn();
  }
}

function noLoginSentence(command: CliCommand, issuer: string | undefined): string {
  const url = command.entry.config.endpoint.displayUrl;
  const host = issuerHost(issuer);
  return `The server at ${url} needs a sign-in${host ? ` with ${host}` : ''} — run \`mcp-connections probe ${url}\` without --no-login to sign in.`;
}

/** How the authorization URL reaches the user: a browser (said on stderr, since it takes a while), or printed with --no-browser. */
function opener(command: CliCommand, stderr: (line: string) => void): BrowserOpener {
  const url = command.entry.config.endpoint.displayUrl;
  if (!command.signIn.browser) return printedBrowser(stderr, url);
  const open = systemBrowser();
  return async (authorizationUrl) => {
    stderr(`Signing in to ${url}: opening a browser (waiting up to ${SIGN_IN_WAIT_MS / 60_000} minutes; --no-browser prints the URL instead).`);
    await open(authorizationUrl);
  };
}

function fillFromState(report: CliReport, connection: Connection): void {
  const state = connection.state;
  if (state.kind !== 'connected') return;
  report.mode = state.mode;
  report.getFallback = state.mode === 'post-only' && state.getFallback ? { status: state.getFallback.status, statusText: state.getFallback.statusText } : null;
  report.server = { name: state.server.name ?? null, version: state.server.version ?? null };
  report.protocolVersion = state.session.protocolVersion ?? null;
  report.session = !!state.session.id;
  report.tools = state.catalog.tools.items.length;
  report.toolNames = state.catalog.tools.items.map((t) => t.name);
  report.sessionReinitialised = state.session.reinitialisations;
  if (state.auth) {
    const { issuer, scopes, expiresAt } = state.auth;
    report.auth = { kind: 'oauth', issuer, scopes, ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) };
  }
}

function hasAuthorizationHeader(headers: Record<string, string>): boolean {
  return Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
}

/** Every string in a JSON value (keys too) passed through `redact`. */
function redactStrings<T>(value: T, redact: (text: string) => string): T {
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return redact(item);
    if (Array.isArray(item)) return item.map(walk);
    if (item && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([key, inner]) => [redact(key), walk(inner)]));
    return item;
  };
  return walk(value) as T;
}

function lineLogger(write: (line: string) => void): Logger {
  const at = (level: string) => (message: string) => write(`${new Date().toISOString()} [${level}] ${message}`);
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warning'), error: at('error') };
}
