// The messages between a form webview and its host (FormPanel), shared by both sides.
// The host is trusted, but what it forwards (titles, descriptions, schemas) comes from an MCP server and
// is untrusted text; both sides check a message's shape before acting on it.

/** `tool`: one "Call" button, the form stays open to call again. `elicitation`: Accept / Decline / Cancel. */
export type FormMode = 'tool' | 'elicitation';

export interface InitMessage {
  type: 'init';
  /** The heading, e.g. the tool's title or name. Plain text. */
  title: string;
  /** A second line, e.g. the server's name. Plain text. */
  subtitle?: string;
  /** A paragraph under the heading, e.g. the tool's description or the elicitation's message. Plain text. */
  description?: string;
  /** The JSON Schema of the arguments (a tool's `inputSchema`, an elicitation's `requestedSchema`). */
  schema: unknown;
  /** Arguments to start from (e.g. the remembered last ones); schema defaults fill the rest. */
  values?: Record<string, unknown>;
  mode: FormMode;
}

export type StatusState = 'idle' | 'busy' | 'ok' | 'error';

/** The status line under the buttons: "Calling…", "Done in 182 ms", or an error sentence. */
export interface StatusMessage {
  type: 'status';
  state: StatusState;
  message: string;
}

export type HostToWebview = InitMessage | StatusMessage;

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'submit'; arguments: Record<string, unknown> }
  | { type: 'decline' }
  | { type: 'cancel' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const STATUS_STATES: readonly string[] = ['idle', 'busy', 'ok', 'error'];

export function isHostToWebview(message: unknown): message is HostToWebview {
  if (!isRecord(message)) return false;
  if (message.type === 'init') {
    return (
      typeof message.title === 'string' &&
      (message.subtitle === undefined || typeof message.subtitle === 'string') &&
      (message.description === undefined || typeof message.description === 'string') &&
      (message.values === undefined || isRecord(message.values)) &&
      (message.mode === 'tool' || message.mode === 'elicitation')
    );
  }
  if (message.type === 'status') {
    return typeof message.state === 'string' && STATUS_STATES.includes(message.state) && typeof message.message === 'string';
  }
  return false;
}

export function isWebviewToHost(message: unknown): message is WebviewToHost {
  if (!isRecord(message)) return false;
  switch (message.type) {
    case 'ready':
    case 'decline':
    case 'cancel':
      return true;
    case 'submit':
      return isRecord(message.arguments);
    default:
      return false;
  }
}
