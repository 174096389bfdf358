import type * as vscode from 'vscode';
import type { Logger } from '../common/logger';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ImportLocations } from '../importing/sources';
import type { Notifier } from '../views/notifications';

/** What every command handler may use. */
export interface CommandContext {
  manager: ConnectionManager;
  log: vscode.LogOutputChannel;
  /** Writes to that channel (and, for the integration tests, keeps what was written). */
  logger: Logger;
  secrets: vscode.SecretStorage;
  notify: Notifier;
  /** Reads the settings again and applies them. */
  reloadSettings: () => void;
  /** Where other MCP clients keep their config files, right now (the open folders change). */
  importLocations: () => ImportLocations;
}
