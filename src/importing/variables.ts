/**
 * `${…}` references in other clients' config values, and what each means.
 *
 * - `vscode` dialect (VS Code, Cursor, Windsurf, plain Claude Desktop entries): `${env:NAME}`,
 *   `${input:id}`, `${workspaceFolder}`, `${workspaceFolderBasename}`, Windsurf's `${file:path}`;
 *   any other name is not a variable we can translate.
 * - `shell` dialect (Claude Code, mcp-remote `--header` values): `${NAME}` and `${NAME:-default}` read
 *   the environment; `${env:NAME}` and `${workspaceFolder}` are understood as well.
 */
export type Dialect = 'vscode' | 'shell';

export type Reference =
  | { kind: 'env'; name: string; hasDefault: boolean; defaultValue?: string; bare: boolean }
  | { kind: 'secret'; name: string }
  | { kind: 'input'; name: string }
  | { kind: 'workspaceFolder' | 'workspaceFolderBasename' }
  | { kind: 'file' }
  | { kind: 'unknown' };

export interface Found {
  reference: Reference;
  /** The reference as written, e.g. `${API_KEY:-x}`. */
  text: string;
  start: number;
  end: number;
}

const REFERENCE = /\$\{([^{}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function findReferences(value: string, dialect: Dialect): Found[] {
  return [...value.matchAll(REFERENCE)].map((match) => ({
    reference: classify(match[1], dialect),
    text: match[0],
    start: match.index!,
    end: match.index! + match[0].length,
  }));
}

function classify(inner: string, dialect: Dialect): Reference {
  const colon = inner.indexOf(':');
  const prefix = colon === -1 ? '' : inner.slice(0, colon);
  const rest = inner.slice(colon + 1);
  if (prefix === 'env' && ENV_NAME.test(rest)) return { kind: 'env', name: rest, hasDefault: false, bare: false };
  if (prefix === 'secret' && rest.trim() !== '') return { kind: 'secret', name: rest };
  if (prefix === 'input' && rest.trim() !== '') return { kind: 'input', name: rest };
  if (prefix === 'file') return { kind: 'file' };
  if (inner === 'workspaceFolder' || inner === 'workspaceFolderBasename') return { kind: inner };
  if (dialect === 'shell') {
    if (ENV_NAME.test(inner)) return { kind: 'env', name: inner, hasDefault: false, bare: true };
    const withDefault = /^([A-Za-z_][A-Za-z0-9_]*):-(.*)$/s.exec(inner);
    if (withDefault) return { kind: 'env', name: withDefault[1], hasDefault: true, defaultValue: withDefault[2], bare: true };
  }
  return { kind: 'unknown' };
}

/** Replaces each reference with what `replace` returns for it, in one pass (replacements are not re-scanned). */
export function replaceReferences(value: string, found: Found[], replace: (found: Found) => string): string {
  let out = '';
  let at = 0;
  for (const item of found) {
    out += value.slice(at, item.start) + replace(item);
    at = item.end;
  }
  return out + value.slice(at);
}

/** A reference quoted in a note: short, and without anything after a `:-` (a default may be a value). */
export function showReference(found: Found): string {
  const shown = found.reference.kind === 'env' && found.reference.hasDefault ? `\${${found.reference.name}:-…}` : found.text;
  return shown.length > 48 ? `${shown.slice(0, 45)}…}` : shown;
}
