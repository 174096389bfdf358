import * as vscode from 'vscode';
import { DEFAULT_GLOBAL_SETTINGS, GlobalSettings, ServerEntry } from './serverConfig';
import { validateServers } from './validate';

export const SECTION = 'mcpConnections';

/** Reads `mcpConnections.*` into validated entries and global settings. Never throws. */
export function readSettings(): { entries: ServerEntry[]; settings: GlobalSettings } {
  const config = vscode.workspace.getConfiguration(SECTION);
  const inspected = config.inspect<Record<string, unknown>>('servers');
  const fromWorkspace = new Set([...Object.keys(objectOr(inspected?.workspaceValue)), ...Object.keys(objectOr(inspected?.workspaceFolderValue))]);
  const entries = validateServers(config.get('servers'), (name) => (fromWorkspace.has(name) ? 'workspace' : 'user'));

  const defaults = DEFAULT_GLOBAL_SETTINGS;
  const statuses = config.get<unknown>('getFallbackStatuses');
  const settings: GlobalSettings = {
    toleratedGetStatuses: Array.isArray(statuses) && statuses.every((s) => Number.isInteger(s) && s >= 400 && s <= 499) ? (statuses as number[]) : defaults.toleratedGetStatuses,
    reconnect: {
      maxAttempts: positiveInteger(config.get('reconnect.maxAttempts'), defaults.reconnect.maxAttempts),
      initialDelayMs: positiveInteger(config.get('reconnect.initialDelaySeconds'), defaults.reconnect.initialDelayMs / 1000) * 1000,
      maxDelayMs: positiveInteger(config.get('reconnect.maxDelaySeconds'), defaults.reconnect.maxDelayMs / 1000) * 1000,
    },
  };
  return { entries, settings };
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
  const inspected = config.inspect<Record<string, unknown>>('servers');
  const current =
    target === vscode.ConfigurationTarget.Global
      ? inspected?.globalValue
      : target === vscode.ConfigurationTarget.Workspace
        ? inspected?.workspaceValue
        : inspected?.workspaceFolderValue;
  const next = { ...objectOr(current) };
  if (value === undefined) delete next[name];
  else next[name] = value;
  await config.update('servers', next, target);
}

function objectOr(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function positiveInteger(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
}
