import * as vscode from 'vscode';
import type { Logger } from '../common/logger';

const KEPT_LINES = 2000;

/**
 * The "MCP Connections" LogOutputChannel as the core's Logger. The last lines are also kept in
 * memory, so the extension's API can show tests exactly what was written.
 */
export function createLog(): { channel: vscode.LogOutputChannel; logger: Logger; recent: () => string[] } {
  const channel = vscode.window.createOutputChannel('MCP Connections', { log: true });
  const lines: string[] = [];
  const keep = (level: string, message: string) => {
    lines.push(`[${level}] ${message}`);
    if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
  };
  const logger: Logger = {
    trace: (m) => channel.trace(m),
    debug: (m) => channel.debug(m),
    info: (m) => (keep('info', m), channel.info(m)),
    warn: (m) => (keep('warning', m), channel.warn(m)),
    error: (m) => (keep('error', m), channel.error(m)),
    isTraceEnabled: () => channel.logLevel === vscode.LogLevel.Trace,
  };
  return { channel, logger, recent: () => [...lines] };
}
