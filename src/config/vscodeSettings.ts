import * as vscode from 'vscode';
import type { GlobalSettings, ServerEntry } from './serverConfig';
import { validateGlobalSettings, validateServers } from './validate';

export const SECTION = 'mcpConnections';
/** One apply for a burst of edits (a settings.json save, a command writing several keys). */
const SETTINGS_DEBOUNCE_MS = 250;

export interface Settings {
  entries: ServerEntry[];
  settings: GlobalSettings;
  /** What is wrong with the global settings (each has kept its default). */
  problems: string[];
}

/** Reads `mcpConnections.*` into validated entries and global settings. Never throws. */
export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const inspected = config.inspect<Record<string, unknown>>('servers');
  const fromWorkspace = new Set([...Object.keys(objectOr(inspected?.workspaceValue)), ...Object.keys(objectOr(inspected?.workspaceFolderValue))]);
  const entries = validateServers(config.get('servers'), (name) => (fromWorkspace.has(name) ? 'workspace' : 'user'));
  const { settings, problems } = validateGlobalSettings({
    getFallbackStatuses: config.get('getFallbackStatuses'),
    maxAttempts: config.get('reconnect.maxAttempts'),
    initialDelaySeconds: config.get('reconnect.initialDelaySeconds'),
    maxDelaySeconds: config.get('reconnect.maxDelaySeconds'),
  });
  return { entries, settings, problems };
}

/** Calls `onChange` (debounced) whenever a `mcpConnections.*` setting changes. */
export function watchSettings(onChange: () => void): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  const subscription = vscode.workspace.onDidChangeConfiguration((event) => {
    if (!event.affectsConfiguration(SECTION)) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, SETTINGS_DEBOUNCE_MS);
  });
  return { dispose: () => (clearTimeout(timer), subscription.dispose()) };
}

/** Where a server is defined, so edits go back to the same place. */
export function targetOf(name: string): vscode.ConfigurationTarget | undefined {
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<Record<string, unknown>>('servers');
  if (name in objectOr(inspected?.workspaceFolderValue)) return vscode.ConfigurationTarget.WorkspaceFolder;
  if (name in objectOr(inspected?.workspaceValue)) return vscode.ConfigurationTarget.Workspace;
  if (name in objectOr(inspected?.globalValue)) return vscode.ConfigurationTarget.Global;
  return undefined;
}

/** Writes one server into one scope, leaving every other entry of that scope exactly as it was. */
export async function writeServer(name: string, value: Record<string, unknown> | undefined, target: vscode.ConfigurationTarget): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const next = { ...serversIn(config, target) };
  if (value === undefined) delete next[name];
  else next[name] = value;
  await config.update('servers', next, target);
}

/**
 * Adds servers to one scope in one write. A name the scope already has is left as it is (never
 * replaced); returns the names that were added.
 */
export async function addServers(servers: Record<string, object>, target: vscode.ConfigurationTarget): Promise<string[]> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const next = { ...serversIn(config, target) };
  const added = Object.keys(servers).filter((name) => !Object.hasOwn(next, name));
  if (!added.length) return [];
  for (const name of added) next[name] = servers[name];
  await config.update('servers', next, target);
  return added;
}

/** `mcpConnections.servers` of all scopes together, as VS Code merges them. */
export function configuredServers(): Record<string, unknown> {
  return { ...objectOr(vscode.workspace.getConfiguration(SECTION).get('servers')) };
}

function serversIn(config: vscode.WorkspaceConfiguration, target: vscode.ConfigurationTarget): Record<string, unknown> {
  const inspected = config.inspect<Record<string, unknown>>('servers');
  const current =
    target === vscode.ConfigurationTarget.Global
      ? inspected?.globalValue
      : target === vscode.ConfigurationTarget.Workspace
        ? inspected?.workspaceValue
        : inspected?.workspaceFolderValue;
  return objectOr(current);
}

function objectOr(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
