import * as vscode from 'vscode';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { Connection, ConnectionError } from '../connections/connection';
import type { ConnectionManager } from '../connections/connectionManager';
import type { Notifier, ProgressReport } from '../views/notifications';
import { McpDocuments } from './documents';
import { renderPrompt, renderResource, renderToolResult } from './render';
import type { DocumentShower } from './showDocument';

/** Where a document opens, and whether its images open beside it. */
export interface ShowOptions {
  viewColumn?: vscode.ViewColumn;
  preserveFocus?: boolean;
  showImages?: boolean;
}

export interface Shown {
  uri: vscode.Uri;
  isError?: boolean;
  ms: number;
}

/**
 * The use side's work, shared by the tree, the palette, the form and scripts: connect if needed,
 * make the request under a progress notification (after a second, with Cancel), open what came
 * back as a read-only document. Failures are Errors whose message names the server and the item.
 */
export class Calls {
  constructor(
    private readonly manager: ConnectionManager,
    private readonly documents: McpDocuments,
    private readonly shower: DocumentShower,
    private readonly notify: Notifier,
  ) {}

  /** The connection of a configured server, connected (joining a connect under way). */
  async connected(server: string): Promise<Connection> {
    const connection = this.manager.get(server);
    if (!connection) throw new Error(`No MCP server named "${server}" is configured — add it to the mcpConnections.servers setting.`);
    try {
      await connection.ensureConnected();
    } catch (error) {
      throw new Error(`Could not connect to the MCP server "${server}": ${reasonOf(error)}`);
    }
    return connection;
  }

  async callTool(connection: Connection, tool: string, args: Record<string, unknown>, options: ShowOptions = {}): Promise<Shown> {
    const started = Date.now();
    const result = await this.withProgress(connection, `Calling ${tool} on ${connection.name}`, `Calling the tool "${tool}" of the MCP server "${connection.name}" failed`, (signal, onProgress) =>
      connection.callTool(tool, args, { signal, onProgress }),
    );
    const ms = Date.now() - started;
    const rendered = renderToolResult({ server: connection.name, tool, result, ms });
    const folder = this.documents.folder('tool', connection.name);
    const parts = rendered.parts.map((part) => this.documents.put([...folder, part.name], part.bytes));
    const uri = this.documents.put([...folder, rendered.name], rendered.text, rendered.links);
    await this.shower.showText(uri, options);
    if (options.showImages) for (const part of parts.slice(0, 3)) await this.shower.showImage(part);
    return { uri, isError: result.isError === true, ms };
  }

  async readResource(connection: Connection, uri: string, options: ShowOptions = {}): Promise<Shown> {
    const started = Date.now();
    const result = await this.withProgress(connection, `Reading ${uri} from ${connection.name}`, `The MCP server "${connection.name}" could not read the resource "${uri}"`, (signal, onProgress) =>
      connection.readResource(uri, { signal, onProgress }),
    );
    const rendered = renderResource({ server: connection.name, uri, result });
    const document = this.documents.put(McpDocuments.resourceSegments({ server: connection.name, uri }, rendered.name), rendered.bytes ?? rendered.text, rendered.links);
    if (rendered.bytes) await this.shower.showImage(document, options.viewColumn ?? vscode.ViewColumn.Active);
    else await this.shower.showText(document, options);
    return { uri: document, ms: Date.now() - started };
  }

  /** A resource read again (an update from its server, a document restored after a reload): its bytes. */
  async reread(server: string, uri: string): Promise<Uint8Array> {
    const connection = await this.connected(server);
    const result = await connection.readResource(uri, { quiet: true });
    const rendered = renderResource({ server, uri, result });
    return rendered.bytes ?? Buffer.from(rendered.text, 'utf8');
  }

  async getPrompt(connection: Connection, prompt: string, args: Record<string, string> | undefined, options: ShowOptions = {}): Promise<Shown> {
    const started = Date.now();
    const result = await this.withProgress(connection, `Getting the prompt ${prompt} from ${connection.name}`, `Getting the prompt "${prompt}" of the MCP server "${connection.name}" failed`, (signal, onProgress) =>
      connection.getPrompt(prompt, args, { signal, onProgress }),
    );
    const rendered = renderPrompt({ server: connection.name, prompt, result });
    const folder = this.documents.folder('prompt', connection.name);
    rendered.parts.forEach((part) => this.documents.put([...folder, part.name], part.bytes));
    const uri = this.documents.put([...folder, rendered.name], rendered.text, rendered.links);
    await this.shower.showText(uri, options);
    return { uri, ms: Date.now() - started };
  }

  private async withProgress<T>(connection: Connection, title: string, failure: string, run: (signal: AbortSignal, onProgress: (progress: Progress) => void) => Promise<T>): Promise<T> {
    try {
      return await this.notify.progress(title, (signal, report) => run(signal, (progress) => reportProgress(report, progress)));
    } catch (error) {
      if (error instanceof ConnectionError && error.failure.kind === 'cancelled') throw new CancelledError(`${title}: cancelled.`);
      if (error instanceof ConnectionError && error.failure.kind === 'sign-in-required') throw new SignInNeededError(`${failure}: ${error.reason}`, connection);
      throw new Error(`${failure}: ${reasonOf(error)}`);
    }
  }
}

/** The user cancelled (the server was told): nothing to say beyond the log line. */
export class CancelledError extends Error {}

/** The request needs a sign-in first (e.g. a tool that needs more permissions than were granted): Sign In can fix it. */
export class SignInNeededError extends Error {
  constructor(
    message: string,
    readonly connection: Connection,
  ) {
    super(message);
  }
}

function reportProgress(report: ProgressReport, progress: Progress): void {
  const { progress: done, total, message } = progress;
  const figures = total ? `${done} of ${total}` : String(done);
  report(message ? `${message} (${figures})` : figures, total ? (done / total) * 100 : undefined);
}

function reasonOf(error: unknown): string {
  return error instanceof ConnectionError ? error.reason : error instanceof Error ? error.message : String(error);
}
