import * as vscode from 'vscode';
import { notificationText } from '../common/text';

/**
 * Every notification the extension shows goes through here, so there is one place that says how —
 * and that makes sure no text in it (a server's words quoted in a sentence) becomes a link or a command.
 */
export interface Notifier {
  error(message: string, ...actions: string[]): Thenable<string | undefined>;
  warning(message: string, ...actions: string[]): Thenable<string | undefined>;
  info(message: string, ...actions: string[]): Thenable<string | undefined>;
  /** A modal question; resolves with the action chosen, undefined when dismissed. */
  confirm(message: string, action: string): Thenable<string | undefined>;
}

export function createNotifier(onShown: (level: 'error' | 'warning' | 'info', message: string) => void = () => undefined): Notifier {
  const shown = (level: 'error' | 'warning' | 'info', message: string) => {
    const text = notificationText(message);
    onShown(level, text);
    return text;
  };
  return {
    error: (message, ...actions) => vscode.window.showErrorMessage(shown('error', message), ...actions),
    warning: (message, ...actions) => vscode.window.showWarningMessage(shown('warning', message), ...actions),
    info: (message, ...actions) => vscode.window.showInformationMessage(shown('info', message), ...actions),
    confirm: (message, action) => vscode.window.showWarningMessage(shown('warning', message), { modal: true }, action),
  };
}
