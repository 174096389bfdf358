import * as vscode from 'vscode';

/** Every notification the extension shows goes through here, so there is one place that says how. */
export interface Notifier {
  error(message: string, ...actions: string[]): Thenable<string | undefined>;
  warning(message: string, ...actions: string[]): Thenable<string | undefined>;
  info(message: string, ...actions: string[]): Thenable<string | undefined>;
  /** A modal question; resolves with the action chosen, undefined when dismissed. */
  confirm(message: string, action: string): Thenable<string | undefined>;
}

export function createNotifier(onShown: (level: 'error' | 'warning' | 'info', message: string) => void = () => undefined): Notifier {
  return {
    error: (message, ...actions) => (onShown('error', message), vscode.window.showErrorMessage(message, ...actions)),
    warning: (message, ...actions) => (onShown('warning', message), vscode.window.showWarningMessage(message, ...actions)),
    info: (message, ...actions) => (onShown('info', message), vscode.window.showInformationMessage(message, ...actions)),
    confirm: (message, action) => (onShown('warning', message), vscode.window.showWarningMessage(message, { modal: true }, action)),
  };
}
