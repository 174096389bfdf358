import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import type { HeaderSource } from '../config/headerValues';
import type { Connection } from '../connections/connection';
import type { ConnectionManager } from '../connections/connectionManager';
import { ChatProxy } from './chatProxy';

/** The id in package.json's `mcpServerDefinitionProviders`; VS Code names our servers `mcp-connections.mcp-connections/<name>`. */
export const PROVIDER_ID = 'mcpConnections';
export const CHAT_MODE_SETTING = 'mcpConnections.chat.mode';
export type ChatMode = 'proxy' | 'direct' | 'off';

/** Whether a server is handed to chat: configured, enabled, not hidden from chat, not held back by workspace trust. */
export function offeredToChat(connection: Connection): boolean {
  const config = connection.entry.config;
  return !!config && config.enabled && config.exposeToChat && !connection.blockedByTrust;
}

export function chatMode(): ChatMode {
  const mode = vscode.workspace.getConfiguration().get<string>(CHAT_MODE_SETTING);
  return mode === 'direct' || mode === 'off' ? mode : 'proxy';
}

/**
 * Offers the configured servers to VS Code chat. In proxy mode (the default) each definition points
 * at our loopback proxy, so chat's traffic goes through our connection; in direct mode at the real
 * URL, VS Code's own client doing the traffic. What `provide` returns is stored by VS Code in plain
 * storage, so it never holds a header value or token: those are set in `resolve`, when a server starts.
 */
export class ChatBridge implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private offered = '';

  constructor(
    private readonly manager: ConnectionManager,
    private readonly proxy: ChatProxy,
    private readonly headers: HeaderSource,
    private readonly note: (text: string) => void,
  ) {
    this.offered = this.signature();
    const check = () => this.definitionsMayHaveChanged();
    this.subscriptions.push(
      manager.onDidAdd(check),
      manager.onDidRemove(check),
      manager.onDidChange(check),
      vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration(CHAT_MODE_SETTING) && this.definitionsMayHaveChanged(true)),
    );
  }

  /** Registers with VS Code, when this VS Code has the API (1.101 and later). */
  register(): vscode.Disposable {
    if (typeof vscode.lm?.registerMcpServerDefinitionProvider !== 'function') {
      this.note('This VS Code cannot take MCP servers from extensions (it needs 1.101 or later): the servers are not offered to chat');
      return new vscode.Disposable(() => undefined);
    }
    return vscode.lm.registerMcpServerDefinitionProvider(PROVIDER_ID, {
      onDidChangeMcpServerDefinitions: this.changed.event,
      provideMcpServerDefinitions: () => this.provide(),
      resolveMcpServerDefinition: (definition) => this.resolve(definition),
    });
  }

  private async provide(): Promise<vscode.McpHttpServerDefinition[]> {
    const mode = chatMode();
    if (mode === 'off') return [];
    if (mode === 'proxy') await this.proxy.start();
    return this.manager.all.filter(offeredToChat).map((connection) => {
      const uri = mode === 'proxy' ? this.proxy.urlFor(connection.name) : connection.entry.config!.endpoint.requestUrl.toString();
      return new vscode.McpHttpServerDefinition(connection.name, vscode.Uri.parse(uri, true), {}, versionOf(connection, mode));
    });
  }

  private async resolve(definition: vscode.McpServerDefinition): Promise<vscode.McpServerDefinition | undefined> {
    const connection = this.manager.get(definition.label);
    if (!connection || !offeredToChat(connection) || !(definition instanceof vscode.McpHttpServerDefinition)) return undefined;
    if (chatMode() === 'proxy') {
      definition.headers = { Authorization: `Bearer ${this.proxy.token}` };
      return definition;
    }
    const config = connection.entry.config!;
    const resolved = await this.headers(config.headers);
    definition.headers = config.endpoint.credentialsHeader && !hasHeader(resolved, 'authorization') ? { ...resolved, Authorization: config.endpoint.credentialsHeader } : resolved;
    return definition;
  }

  private definitionsMayHaveChanged(force = false): void {
    const now = this.signature();
    if (!force && now === this.offered) return;
    this.offered = now;
    void this.proxy.forgetServersNotOffered();
    this.changed.fire();
  }

  /** What the definitions are made of, to tell whether they changed. */
  private signature(): string {
    return JSON.stringify(this.manager.all.filter(offeredToChat).map((c) => [c.name, versionOf(c, 'proxy')]));
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.changed.dispose();
    void this.proxy.close();
  }
}

/**
 * Changes when what the server is changes (so VS Code marks its cached tools outdated): the mode,
 * URL, transport and header names — never header values, which may be secrets.
 */
function versionOf(connection: Connection, mode: ChatMode): string {
  const config = connection.entry.config!;
  const parts = [mode, config.endpoint.displayUrl, config.transport, Object.keys(config.headers).sort()];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 12);
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}
