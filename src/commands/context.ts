import type * as vscode from 'vscode';
import type { ConnectionManager } from '../connections/connectionManager';
import type { Notifier } from '../views/notifications';

/** What every command handler may use. */
export interface CommandContext {
  manager: ConnectionManager;
  log: vscode.LogOutputChannel;
  secrets: vscode.SecretStorage;
  notify: Notifier;
  /** Reads the settings again and applies them. */
  reloadSettings: () => void;
}
