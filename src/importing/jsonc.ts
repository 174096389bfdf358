/** The value of a config file, or one sentence saying where it is broken (never quoting its text). */
export type JsoncResult = { ok: true; value: unknown } | { ok: false; problem: string };

/**
 * Parses JSON with comments and trailing commas (VS Code's `mcp.json` dialect, and tolerated in every
 * other client's file). Comments and trailing commas are blanked out in place, so a position in the
 * error is a position in the original text. Linear in the text's length; never throws.
 *
 * `JSON.parse` messages are not passed on: Node quotes the text around the error in them, which may be
 * a token.
 */
export function parseJsonc(text: string): JsoncResult {
  const source = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const stripped = stripJsonc(source);
  if (stripped.trim() === '') return { ok: false, problem: 'empty' };
  try {
    return { ok: true, value: JSON.parse(stripped) };
  } catch (error) {
    const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '');
    if (!position) return { ok: false, problem: 'not valid JSON' };
    const { line, column } = lineAndColumn(source, Number(position[1]));
    return { ok: false, problem: `not valid JSON (line ${line}, column ${column})` };
  }
}

/** Replaces comments and trailing commas with spaces (newlines kept), leaving strings untouched. */
export function stripJsonc(text: string): string {
  const blanks: Array<[number, number]> = [];
  /** The comma that may turn out to be trailing: only whitespace and comments seen since it. */
  let pendingComma = -1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      pendingComma = -1;
      i++;
      while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const to = end === -1 ? text.length : end;
      blanks.push([i, to]);
      i = to;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const to = end === -1 ? text.length : end + 2;
      blanks.push([i, to]);
      i = to;
    } else {
      if (c === '}' || c === ']') {
        if (pendingComma !== -1) blanks.push([pendingComma, pendingComma + 1]);
        pendingComma = -1;
      } else if (c === ',') {
        pendingComma = i;
      } else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') {
        pendingComma = -1;
      }
      i++;
    }
  }
  if (blanks.length === 0) return text;
  // A trailing comma is found after the comments that follow it, so sort the ranges (they never overlap).
  blanks.sort((a, b) => a[0] - b[0]);
  const out: string[] = [];
  let copied = 0;
  for (const [from, to] of blanks) {
    out.push(text.slice(copied, from), text.slice(from, to).replace(/[^\n]/g, ' '));
    copied = to;
  }
  out.push(text.slice(copied));
  return out.join('');
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: position - lineStart + 1 };
}
