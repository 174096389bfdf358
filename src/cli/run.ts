import type { Logger } from '../common/logger';
import { silentLogger } from '../common/logger';
import { redactSecrets } from '../common/redact';
import { DEFAULT_GLOBAL_SETTINGS } from '../config/serverConfig';
import { resolveHeaderValues } from '../config/headerValues';
import { validateServer } from '../config/validate';
import { Connection, ConnectionError } from '../connections/connection';
import { CliCommand, UsageError } from './args';

const VERSION = '0.1.0';
const STREAM_SETTLE_MS = 2000;

export interface ProbeReport {
  ok: boolean;
  url: string;
  mode: 'streaming' | 'post-only' | 'legacy-sse' | null;
  getFallback: { status: number; statusText: string } | null;
  sessionReinitialised: number;
  session: boolean;
  server: { name: string | null; version: string | null };
  protocolVersion: string | null;
  tools: number;
  toolNames: string[];
  timingsMs: { connect: number | null; call?: number; total: number };
  result?: unknown;
  error: string | null;
}

/** Connects once with the same core the extension uses, does the command's work, disconnects. */
export async function runCommand(command: CliCommand, stderr: (line: string) => void): Promise<ProbeReport> {
  const entry = validateServer('cli', { url: command.url, headers: command.headers, transport: command.transport, timeoutSeconds: command.timeoutSeconds }, 'user');
  if (entry.problem) throw new UsageError(entry.problem.replace(/(The )?"url"/, 'The URL').replace(/"timeoutSeconds"/, '--timeout'));

  const secrets = Object.values(command.headers);
  const logger: Logger = command.verbose ? lineLogger((line) => stderr(redactSecrets(line, secrets))) : silentLogger;
  const connection = new Connection(entry, {
    logger,
    settings: DEFAULT_GLOBAL_SETTINGS,
    resolveHeaders: (headers) =>
      resolveHeaderValues(headers, async (name) => {
        throw new Error(`\${secret:${name}} works only inside VS Code (Secret Storage); on the command line use \${env:NAME}.`);
      }),
    clientInfo: { name: 'mcp-connections-cli', version: VERSION },
  });

  const started = performance.now();
  const report: ProbeReport = {
    ok: false,
    url: connection.displayUrl ?? command.url,
    mode: null,
    getFallback: null,
    sessionReinitialised: 0,
    session: false,
    server: { name: null, version: null },
    protocolVersion: null,
    tools: 0,
    toolNames: [],
    timingsMs: { connect: null, total: 0 },
    error: null,
  };
  try {
    await connection.connect();
    report.timingsMs.connect = Math.round(performance.now() - started);
    await connection.whenStreamSettled(STREAM_SETTLE_MS);
    if (command.command === 'call') {
      const callStarted = performance.now();
      const result = await connection.callTool(command.tool!, command.toolArgs);
      report.timingsMs.call = Math.round(performance.now() - callStarted);
      report.result = result;
      report.ok = !result.isError;
      if (result.isError) report.error = `The tool "${command.tool}" reported an error.`;
    } else {
      report.ok = true;
    }
  } catch (error) {
    report.error = error instanceof ConnectionError ? error.reason : String(error);
  } finally {
    fillFromConnection(report, connection);
    await connection.dispose();
    report.timingsMs.total = Math.round(performance.now() - started);
  }
  return report;
}

function fillFromConnection(report: ProbeReport, connection: Connection): void {
  const state = connection.state;
  if (state.kind === 'connected') {
    report.mode = state.mode;
    report.getFallback = state.getFallback ?? null;
  }
  const details = connection.details;
  if (details) {
    report.server = { name: details.serverName ?? null, version: details.serverVersion ?? null };
    report.protocolVersion = details.protocolVersion ?? null;
    report.session = !!details.sessionId;
    report.tools = details.tools.length;
    report.toolNames = details.tools.map((t) => t.name);
  }
  report.sessionReinitialised = connection.reinitialisations;
}

function lineLogger(write: (line: string) => void): Logger {
  const at = (level: string) => (message: string) => write(`${new Date().toISOString()} [${level}] ${message}`);
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warning'), error: at('error') };
}
