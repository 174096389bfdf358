// The host side of the form webview: a WebviewPanel showing dist/form.js for a schema, the messages to and
// from it, and, for elicitation, a promise of the user's answer. Belongs to the view layer (it calls
// vscode.window); what to do with the arguments is the caller's, through `onSubmit`.
import * as vscode from 'vscode';
import { formHtml, makeNonce } from './formHtml';
import { isWebviewToHost, type HostToWebview, type InitMessage, type StatusMessage, type WebviewToHost } from './protocol';

/** What became of a submit: shown in the form's status line ("Done in 182 ms", or the error sentence). */
export type SubmitOutcome = { ok: true; message?: string } | { ok: false; message: string };

/** What the form shows (the title is also the tab's), as the init message carries it, and how the panel is opened. */
export interface FormPanelOptions extends Omit<InitMessage, 'type'> {
  /** One panel per key (e.g. server + tool): opening a key that is open reveals that panel. Default: a new panel. */
  key?: string;
  viewColumn?: vscode.ViewColumn;
  /**
   * Called with arguments that passed the schema check. While it runs the form shows "Calling…" and
   * takes no second submit; its outcome goes to the status line. A throw counts as `{ ok: false }` with
   * the error's message. Default success message: "Done in N ms".
   */
  onSubmit(args: Record<string, unknown>): Promise<SubmitOutcome>;
  /** Elicitation's Decline button. */
  onDecline?(): void;
  /** Elicitation's Cancel button (closing the panel is not reported here: see onDidDispose). */
  onCancel?(): void;
}

type Callbacks = Pick<FormPanelOptions, 'onSubmit' | 'onDecline' | 'onCancel'>;

let keys = 0;

export class FormPanel implements vscode.Disposable {
  static readonly viewType = 'mcpConnections.form';
  private static readonly panels = new Map<string, FormPanel>();

  /** Opens a form, or reveals the open one with the same key (taking the new callbacks, and the new schema if it changed). */
  static open(extensionUri: vscode.Uri, options: FormPanelOptions): FormPanel {
    const key = options.key ?? `form-${++keys}`;
    const existing = FormPanel.panels.get(key);
    if (existing) {
      existing.update(options);
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(FormPanel.viewType, options.title, options.viewColumn ?? vscode.ViewColumn.Active, {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')],
      // Off: the page reloads when the panel is shown again and restores its values from setState.
      retainContextWhenHidden: false,
    });
    return new FormPanel(key, panel, extensionUri, options);
  }

  /** The open panel with this key, if any. */
  static get(key: string): FormPanel | undefined {
    return FormPanel.panels.get(key);
  }

  static disposeAll(): void {
    for (const panel of [...FormPanel.panels.values()]) panel.dispose();
  }

  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  /** Fires once, when the panel is closed (by the user or by dispose()). */
  readonly onDidDispose: vscode.Event<void> = this.disposeEmitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private init: InitMessage;
  private callbacks: Callbacks;
  private status: StatusMessage | undefined;
  private busy = false;
  private disposed = false;

  private constructor(
    readonly key: string,
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    options: FormPanelOptions,
  ) {
    this.init = initOf(options);
    this.callbacks = options;
    FormPanel.panels.set(key, this);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'mcp-connections.svg');
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      panel.onDidDispose(() => {
        if (!this.disposed) this.cleanUp();
      }),
    );
    panel.webview.html = this.html();
  }

  get visible(): boolean {
    return !this.disposed && this.panel.visible;
  }

  reveal(viewColumn?: vscode.ViewColumn): void {
    if (!this.disposed) this.panel.reveal(viewColumn);
  }

  dispose(): void {
    if (this.disposed) return;
    this.cleanUp();
    this.panel.dispose();
  }

  /** Sets the status line, e.g. for progress the caller reports itself. */
  setStatus(state: StatusMessage['state'], message: string): void {
    this.status = { type: 'status', state, message };
    this.post(this.status);
  }

  private update(options: FormPanelOptions): void {
    this.callbacks = options;
    const init = initOf(options);
    const changed = JSON.stringify(init.schema) !== JSON.stringify(this.init.schema) || init.mode !== this.init.mode;
    this.init = { ...init, values: changed ? init.values : this.init.values };
    this.panel.title = options.title;
    // With the same schema the form keeps what the user typed; with another it starts over.
    this.post(this.init);
    if (this.status) this.post(this.status);
  }

  private html(): string {
    const uri = (file: string) => this.panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', file)).toString();
    return formHtml({
      cspSource: this.panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: uri('form.js'),
      styleUri: uri('form.css'),
      codiconUri: uri('codicon.css'),
      title: this.init.title,
    });
  }

  private post(message: HostToWebview): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private async receive(message: unknown): Promise<void> {
    if (this.disposed || !isWebviewToHost(message)) return;
    switch (message.type) {
      case 'ready':
        // First load, or a reload after the panel was hidden: the page restores its own values.
        this.post(this.init);
        if (this.status) this.post(this.status);
        return;
      case 'submit':
        return this.submit(message);
      case 'decline':
        this.callbacks.onDecline?.();
        return;
      case 'cancel':
        this.callbacks.onCancel?.();
        return;
    }
  }

  private async submit(message: Extract<WebviewToHost, { type: 'submit' }>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.setStatus('busy', this.init.mode === 'tool' ? 'Calling…' : 'Sending…');
    const started = Date.now();
    let outcome: SubmitOutcome;
    try {
      outcome = await this.callbacks.onSubmit(message.arguments);
    } catch (error) {
      outcome = { ok: false, message: error instanceof Error ? error.message : String(error) };
    } finally {
      this.busy = false;
    }
    if (this.disposed) return;
    if (outcome.ok) this.setStatus('ok', outcome.message ?? `Done in ${Date.now() - started} ms`);
    else this.setStatus('error', outcome.message);
  }

  private cleanUp(): void {
    this.disposed = true;
    if (FormPanel.panels.get(this.key) === this) FormPanel.panels.delete(this.key);
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }
}

function initOf(options: FormPanelOptions): InitMessage {
  const init: InitMessage = { type: 'init', title: options.title, schema: options.schema, mode: options.mode };
  if (options.subtitle !== undefined) init.subtitle = options.subtitle;
  if (options.description !== undefined) init.description = options.description;
  if (options.values !== undefined) init.values = options.values;
  return init;
}

/** The answer to a form-mode elicitation, as the MCP `ElicitResult` has it. */
export type ElicitationOutcome = { action: 'accept'; content: Record<string, unknown> } | { action: 'decline' } | { action: 'cancel' };

export interface AskWithFormOptions {
  /** The tab title and heading, e.g. "<server> asks". Plain text. */
  title: string;
  subtitle?: string;
  /** The elicitation's `message`. Plain text. */
  message?: string;
  /** The elicitation's `requestedSchema`. */
  schema: unknown;
  values?: Record<string, unknown>;
  viewColumn?: vscode.ViewColumn;
  /** Aborted when the request goes away (the server cancelled it, the connection closed): the panel closes, the answer is cancel. */
  signal?: AbortSignal;
}

/**
 * Asks the user through the form, with Accept / Decline / Cancel. Accept sends values that passed the
 * schema check; closing the panel counts as cancel. Each call opens its own panel.
 */
export function askWithForm(extensionUri: vscode.Uri, options: AskWithFormOptions): Promise<ElicitationOutcome> {
  return new Promise<ElicitationOutcome>((resolve) => {
    if (options.signal?.aborted) return resolve({ action: 'cancel' });
    // Set once the panel is open; `finish` may run before that (an aborted signal).
    const opened: { panel?: FormPanel } = {};
    let settled = false;
    const onAbort = () => finish({ action: 'cancel' });
    const finish = (outcome: ElicitationOutcome) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
      opened.panel?.dispose();
    };
    const formOptions: FormPanelOptions = {
      title: options.title,
      schema: options.schema,
      mode: 'elicitation',
      onSubmit: async (content) => {
        finish({ action: 'accept', content });
        return { ok: true };
      },
      onDecline: () => finish({ action: 'decline' }),
      onCancel: () => finish({ action: 'cancel' }),
    };
    if (options.subtitle !== undefined) formOptions.subtitle = options.subtitle;
    if (options.message !== undefined) formOptions.description = options.message;
    if (options.values !== undefined) formOptions.values = options.values;
    if (options.viewColumn !== undefined) formOptions.viewColumn = options.viewColumn;
    opened.panel = FormPanel.open(extensionUri, formOptions);
    opened.panel.onDidDispose(() => finish({ action: 'cancel' }));
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
