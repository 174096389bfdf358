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
  /** A modal question with a line of detail and several answers; resolves with the one chosen. */
  ask(message: string, detail: string, ...actions: string[]): Thenable<string | undefined>;
  /**
   * Work the user may cancel: a progress notification with Cancel appears once it has run for
   * `delayMs` (quick work shows none). Cancel aborts the signal; `report` moves the notification.
   */
  progress<T>(title: string, work: (signal: AbortSignal, report: ProgressReport) => Promise<T>, delayMs?: number): Promise<T>;
}

/** A step of work in progress: a message, and how far along it is (0–100) when known. */
export type ProgressReport = (message: string, percent?: number) => void;

/** What a progress notification looked like, and its Cancel button. */
export interface ShownProgress {
  title: string;
  messages: string[];
  cancel: () => void;
}

/** Work that takes longer than this shows a progress notification. */
export const PROGRESS_DELAY_MS = 1000;

export function createNotifier(
  onShown: (level: 'error' | 'warning' | 'info', message: string, actions: string[]) => void = () => undefined,
  onProgress: (progress: ShownProgress) => void = () => undefined,
): Notifier {
  const shown = (level: 'error' | 'warning' | 'info', message: string, actions: string[]) => {
    const text = notificationText(message);
    onShown(level, text, actions);
    return text;
  };
  return {
    error: (message, ...actions) => vscode.window.showErrorMessage(shown('error', message, actions), ...actions),
    warning: (message, ...actions) => vscode.window.showWarningMessage(shown('warning', message, actions), ...actions),
    info: (message, ...actions) => vscode.window.showInformationMessage(shown('info', message, actions), ...actions),
    confirm: (message, action) => vscode.window.showWarningMessage(shown('warning', message, [action]), { modal: true }, action),
    ask: (message, detail, ...actions) => vscode.window.showInformationMessage(shown('info', message, actions), { modal: true, detail: notificationText(detail) }, ...actions),
    progress: (title, work, delayMs = PROGRESS_DELAY_MS) => withDelayedProgress(notificationText(title), work, delayMs, onProgress),
  };
}

async function withDelayedProgress<T>(title: string, work: (signal: AbortSignal, report: ProgressReport) => Promise<T>, delayMs: number, onProgress: (progress: ShownProgress) => void): Promise<T> {
  const controller = new AbortController();
  let show: vscode.Progress<{ message?: string; increment?: number }> | undefined;
  let percentShown = 0;
  let latest: { message: string; percent?: number } | undefined;
  const shown: ShownProgress = { title, messages: [], cancel: () => controller.abort() };
  const report: ProgressReport = (message, percent) => {
    latest = { message: notificationText(message), percent };
    if (!show) return;
    const increment = percent === undefined ? undefined : Math.max(0, Math.min(100, percent) - percentShown);
    percentShown += increment ?? 0;
    shown.messages.push(latest.message);
    show.report({ message: latest.message, increment });
  };
  const done = work(controller.signal, report);
  const timer = setTimeout(() => {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      show = progress;
      token.onCancellationRequested(() => controller.abort());
      onProgress(shown);
      if (latest) report(latest.message, latest.percent);
      return done.then(
        () => undefined,
        () => undefined,
      );
    });
  }, delayMs);
  try {
    return await done;
  } finally {
    clearTimeout(timer);
  }
}
