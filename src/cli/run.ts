import type { Logger } from '../common/logger';
import { silentLogger } from '../common/logger';
import { createHeaderSource } from '../config/headerValues';
import { DEFAULT_GLOBAL_SETTINGS } from '../config/serverConfig';
import { Connection, ConnectionError } from '../connections/connection';
import { version } from '../../package.json';
import type { CliCommand } from './args';

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

export const CLI_VERSION: string = version;

/** Connects once with the same core the extension uses, does the command's work, disconnects. */
export async function runCommand(command: CliCommand, stderr: (line: string) => void): Promise<ProbeReport> {
  const logger: Logger = command.verbose ? lineLogger(stderr) : silentLogger;
  const connection = new Connection(command.entry, {
    logger,
    settings: DEFAULT_GLOBAL_SETTINGS,
    headers: createHeaderSource(async (name) => {
      throw new Error(`\${secret:${name}} works only inside VS Code (Secret Storage); on the command line use \${env:NAME}.`);
    }),
    clientInfo: { name: 'mcp-connections-cli', version: CLI_VERSION },
  });

  const started = performance.now();
  const report: ProbeReport = {
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
    timingsMs: { connect: null, total: 0 },
    error: null,
  };
  try {
    await connection.connect();
    report.timingsMs.connect = Math.round(performance.now() - started);
    await connection.whenModeKnown(STREAM_SETTLE_MS);
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
    fillFromState(report, connection);
    await connection.dispose();
    report.timingsMs.total = Math.round(performance.now() - started);
  }
  return report;
}

function fillFromState(report: ProbeReport, connection: Connection): void {
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
}

function lineLogger(write: (line: string) => void): Logger {
  const at = (level: string) => (message: string) => write(`${new Date().toISOString()} [${level}] ${message}`);
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warning'), error: at('error') };
}
