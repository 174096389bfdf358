// The object VS Code gives a webview's scripts (once per page): messages to the extension, and state that
// survives the panel being hidden and shown again (the page is reloaded then; retainContextWhenHidden is off).

export interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare global {
  function acquireVsCodeApi<State = unknown>(): VsCodeApi<State>;
}
