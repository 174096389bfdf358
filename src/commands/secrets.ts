import * as vscode from 'vscode';
import { secretStorageKey } from '../config/headerValues';
import type { CommandContext } from './context';
import { Commands } from './ids';

/** "Set Secret" / "Clear Secret": values for ${secret:NAME} in header values. */
export function registerSecretCommands({ secrets, manager }: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.setSecret, async (args?: { name: string; value: string }) => {
      const name = args?.name ?? (await vscode.window.showInputBox({ title: 'Set Secret', prompt: 'Name used as ${secret:NAME} in a header value', placeHolder: 'github-token' }));
      if (!name) return;
      const value = args?.value ?? (await vscode.window.showInputBox({ title: `Set Secret "${name}"`, prompt: 'The value (stored in VS Code Secret Storage)', password: true }));
      if (value === undefined) return;
      await secrets.store(secretStorageKey(name), value);
      manager.reconnectUsingSecret(name);
    }),
    vscode.commands.registerCommand(Commands.clearSecret, async (args?: { name: string }) => {
      const name = args?.name ?? (await vscode.window.showInputBox({ title: 'Clear Secret', prompt: 'Name of the secret to remove' }));
      if (!name) return;
      await secrets.delete(secretStorageKey(name));
      manager.reconnectUsingSecret(name);
    }),
  ];
}
