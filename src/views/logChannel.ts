import * as vscode from 'vscode';
import type { Logger } from '../common/logger';

/** The "MCP Connections" LogOutputChannel, and the core's Logger writing to it. */
export function createLog(): { channel: vscode.LogOutputChannel; logger: Logger } {
  const channel = vscode.window.createOutputChannel('MCP Connections', { log: true });
  const logger: Logger = {
    trace: (m) => channel.trace(m),
    debug: (m) => channel.debug(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
    isTraceEnabled: () => channel.logLevel === vscode.LogLevel.Trace,
  };
  return { channel, logger };
}
