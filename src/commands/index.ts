import type * as vscode from 'vscode';
import { registerAddServer } from './addServer';
import type { CommandContext } from './context';
import { registerImportServers } from './importServers';
import { registerSecretCommands } from './secrets';
import { registerServerCommands } from './serverCommands';
import { registerSignInCommands } from './signIn';

/** Registers every command of the extension; each disposable goes onto the extension's subscriptions. */
export function registerCommands(context: CommandContext): vscode.Disposable[] {
  return [
    ...registerServerCommands(context),
    registerAddServer(context),
    registerImportServers(context),
    ...registerSecretCommands(context),
    ...registerSignInCommands(context),
  ];
}
