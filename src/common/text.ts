/**
 * Untrusted text (everything a server sends) made inert for each place it is shown: it may never
 * become a link, markup, a command, a forged log line or a terminal escape.
 */

/** First `max` characters of a text with whitespace collapsed and markup stripped. */
export function excerpt(text: string, max = 200): string {
  const plain = text
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length <= max ? plain : `${plain.slice(0, max - 1)}…`;
}

/** C0 and C1 controls, DEL, and the Unicode marks that reorder text (bidi overrides and isolates). */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const CONTROLS_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escaped(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** One line: every control character (CR and LF included) shown as an escape, so text cannot forge a line. */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, escaped);
}

/**
 * For a terminal: nothing that drives it (ESC, BEL, backspace, other C0/C1, bidi marks) is passed
 * on; with `keepLayout`, newlines and tabs stay (a tool result's text), otherwise they are escaped too.
 */
export function terminalSafe(text: string, keepLayout = false): string {
  return text.replace(keepLayout ? CONTROLS_BUT_LAYOUT : CONTROLS, escaped);
}

/** What JSON.stringify leaves raw that a terminal may act on: DEL, C1 controls, bidi marks, line and paragraph separators. */
const RAW_IN_JSON = /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/g;

/**
 * JSON for a terminal: the same value (`JSON.parse` gives back exactly what was given), with every
 * character that could drive the terminal written as a \u escape. Those occur only inside strings.
 */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(RAW_IN_JSON, escaped);
}

/**
 * For Markdown (tooltips): line breaks folded to spaces, so text cannot start a line of its own —
 * which leaves only inline syntax to escape: emphasis, code, links and images, HTML, entities,
 * tables, strike-through, and the ":" of a scheme that would autolink.
 */
export function markdownText(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(CONTROLS, '')
    .replace(/[\\`*_{}[\]()<>!|~&:]/g, (c) => `\\${c}`);
}

/**
 * For a notification: VS Code renders `[label](target)` there as a link and runs a `command:`
 * target when clicked. A zero-width space between `]` and `(` keeps the text as written but no
 * longer a link; line breaks are folded too.
 */
export function notificationText(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(CONTROLS, '').replace(/\]\s*\(/g, ']\u200b(');
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * For a quick pick's label, description or detail: one line, and no `$(name)` that VS Code would draw
 * as an icon (a zero-width space after the `$` keeps the text as written).
 */
export function quickPickText(text: string): string {
  return escapeControls(text).replace(/\$\(/g, '$\u200b(');
}
