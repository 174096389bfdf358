import { validateServer } from '../config/validate';
import { clientName, MAX_NAME, shorten, type Candidate, type RemoteCandidate } from './parse';
import { looksLikePlaceholder, splitSecret } from './secretLike';
import type { ImportSource } from './sources';
import { findReferences, replaceReferences, showReference, type Found } from './variables';

/** An `mcpConnections.servers` value, as the importer writes it. */
export interface ImportedEntry {
  url: string;
  headers?: Record<string, string>;
  transport?: 'streamable-http' | 'sse';
  enabled?: false;
}

/** A literal header value moved out of settings: store `value` in Secret Storage as `key`. */
export interface PlannedSecret {
  key: string;
  value: string;
  header: string;
}

export interface PlannedServer {
  /** The name to write: the entry's own, or for a clash the proposed one; for `same`, the configured one. */
  name: string;
  /** The name in the client's file. */
  originalName: string;
  source: ImportSource;
  /**
   * `new`: not configured yet. `same`: already configured identically (same URL, transport and headers,
   * secret values not compared) — nothing to do. `clash`: the name is taken by a different server, so
   * `name` is a new one.
   */
  status: 'new' | 'same' | 'clash';
  /** The value to write under `mcpConnections.servers[name]`; it holds `${secret:…}` where secrets were. */
  entry: ImportedEntry;
  /** Values to store before writing the entry (none for `same`). The only place a value appears. */
  secrets: PlannedSecret[];
  /** Secrets the entry references that nobody has a value for yet: the user sets them (Set Secret…). */
  unsetSecrets: string[];
  /** What the user should know, one sentence each. */
  notes: string[];
  /** Fields of the original entry that are not imported, each with what happens to it. */
  skippedFields: string[];
  /** Other files with the same server (same URL and headers); this one, the first found, is used. */
  alsoFoundIn: Array<{ source: ImportSource; name: string }>;
}

export interface SkippedServer {
  name: string;
  source: ImportSource;
  reason: string;
}

export interface ImportPlan {
  servers: PlannedServer[];
  skipped: SkippedServer[];
}

export interface PlanOptions {
  /** The current `mcpConnections.servers` (user and workspace together), by name. */
  existing?: Record<string, unknown>;
}

interface Built {
  entry: ImportedEntry;
  secrets: PlannedSecret[];
  unsetSecrets: string[];
  notes: string[];
  /** Headers after variable translation, before secrets moved out: what "the same server" compares. */
  translated: Record<string, string>;
}

interface Configured {
  name: string;
  url: string;
  transport: string;
  headers: Map<string, string>;
}

const SECRET_QUERY = /token|key|secret|auth|pass|sig|credential|session|code/i;
const SECRET_REFERENCE = /\$\{secret:[^}]*\}/g;

/**
 * Turns what discovery found into what "Import Servers…" would do: per remote server the entry to
 * write, the secrets to store, its status against the current settings, and notes; plus the entries
 * that cannot be imported and why. Pure; never throws. Secret values appear only in `secrets[].value`.
 */
export function planImport(candidates: readonly Candidate[], options: PlanOptions = {}): ImportPlan {
  const configured = readExisting(options.existing ?? {});
  const takenNames = new Set(configured.names);
  const takenKeys = new Set(configured.secretKeys);
  const servers: PlannedServer[] = [];
  const skipped: SkippedServer[] = [];
  const firstBySignature = new Map<string, PlannedServer>();
  const plannedFrom = new Map<string, ImportSource>();

  for (const candidate of candidates) {
    if (candidate.kind === 'skipped') {
      skipped.push({ name: candidate.name, source: candidate.source, reason: candidate.reason });
      continue;
    }
    const skip = (reason: string): void => void skipped.push({ name: candidate.name, source: candidate.source, reason });

    // Built once under a neutral name to compare; built again under the name it gets.
    const probe = build(candidate, '', (key) => takenKeys.has(key));
    if ('reason' in probe) {
      skip(probe.reason);
      continue;
    }
    const checked = validateServer(candidate.name, probe.entry, candidate.source.scope);
    if (!checked.config) {
      skip(checked.problem ?? 'The entry is not valid.');
      continue;
    }
    const url = checked.config.endpoint.configured;
    const transport = checked.config.transport;

    const signature = JSON.stringify([url, sortedHeaders(probe.translated)]);
    const first = firstBySignature.get(signature);
    if (first) {
      first.alsoFoundIn.push({ source: candidate.source, name: candidate.name });
      first.notes.push(`Also in ${candidate.source.label}${candidate.name === first.originalName ? '' : ` as "${candidate.name}"`}.`);
      continue;
    }

    const masked = maskHeaders(probe.entry.headers ?? {});
    const same = configured.servers
      .filter((server) => server.url === url && server.transport === transport && sameHeaders(server.headers, masked))
      .sort((a, b) => Number(b.name.toLowerCase() === candidate.name.toLowerCase()) - Number(a.name.toLowerCase() === candidate.name.toLowerCase()))[0];

    let planned: PlannedServer;
    if (same) {
      const final = build(candidate, same.name, () => false);
      if ('reason' in final) {
        skip(final.reason); // cannot happen where the probe succeeded: the name only changes secret keys
        continue;
      }
      const secretNote = [...masked.values()].some((value) => value.includes('${secret}')) ? ' (secret values are not compared)' : '';
      planned = {
        name: same.name,
        originalName: candidate.name,
        source: candidate.source,
        status: 'same',
        entry: final.entry,
        secrets: [],
        unsetSecrets: [],
        notes: [`Already configured as "${same.name}" with the same URL and headers${secretNote} — nothing to do.`],
        skippedFields: candidate.skippedFields,
        alsoFoundIn: [],
      };
    } else {
      const taken = (name: string): boolean => takenNames.has(name.toLowerCase());
      const name = taken(candidate.name) ? alternativeName(candidate, taken) : candidate.name;
      const final = build(candidate, name, (key) => takenKeys.has(key));
      if ('reason' in final) {
        skip(final.reason);
        continue;
      }
      const valid = validateServer(name, final.entry, candidate.source.scope);
      if (valid.problem) {
        skip(valid.problem);
        continue;
      }
      const notes = [...candidate.notes];
      if (name !== candidate.name) notes.push(clashNote(candidate, name, configured.servers, plannedFrom, url));
      const sameUrl = configured.servers.find((server) => server.url === url);
      if (sameUrl && sameUrl.name.toLowerCase() !== candidate.name.toLowerCase()) {
        notes.push(`The same URL is already configured as "${sameUrl.name}", with other headers or transport.`);
      }
      notes.push(...final.notes);
      planned = {
        name,
        originalName: candidate.name,
        source: candidate.source,
        status: name === candidate.name ? 'new' : 'clash',
        entry: final.entry,
        secrets: final.secrets,
        unsetSecrets: final.unsetSecrets,
        notes,
        skippedFields: candidate.skippedFields,
        alsoFoundIn: [],
      };
      takenNames.add(name.toLowerCase());
      plannedFrom.set(name.toLowerCase(), candidate.source);
      for (const secret of final.secrets) takenKeys.add(secret.key);
    }
    firstBySignature.set(signature, planned);
    servers.push(planned);
  }
  return { servers, skipped };
}

/** The entry for `candidate` written as `name`: variables translated, literal secrets moved out. */
function build(candidate: RemoteCandidate, name: string, keyTaken: (key: string) => boolean): Built | { reason: string } {
  const notes: string[] = [];
  const secrets: PlannedSecret[] = [];
  const unsetSecrets: string[] = [];
  const source = candidate.source;
  const usedKeys = new Set<string>();
  const newKey = (header: string): string => {
    const base = shorten(`${name}.${header}`.replace(/[{}$]/g, '-'), 200);
    let key = base;
    for (let n = 2; keyTaken(key) || usedKeys.has(key); n++) key = `${base}-${n}`;
    usedKeys.add(key);
    return key;
  };
  const folderValue = (found: Found): string | undefined => {
    if (!source.folder) return undefined;
    return found.reference.kind === 'workspaceFolderBasename' ? source.folder.split(/[\\/]/).filter(Boolean).pop() ?? '' : source.folder;
  };

  // The URL: MCP Connections expands no variables in it, so each must be resolved now or the server skipped.
  let problem: string | undefined;
  const urlRefs = findReferences(candidate.url, candidate.dialect);
  const url = replaceReferences(candidate.url, urlRefs, (found) => {
    const ref = found.reference;
    if (ref.kind === 'workspaceFolder' || ref.kind === 'workspaceFolderBasename') {
      const value = folderValue(found);
      if (value === undefined) problem ??= `The URL uses ${found.text}, but ${source.label} belongs to no workspace folder — add the server by hand.`;
      return value ?? '';
    }
    if (ref.kind === 'env' && ref.hasDefault) {
      notes.push(`The URL used ${showReference(found)}: MCP Connections does not expand variables in URLs, so the default was written in — edit the URL if ${ref.name} says otherwise.`);
      return ref.defaultValue ?? '';
    }
    if (ref.kind === 'env') problem ??= `The URL uses the environment variable ${ref.name}, and MCP Connections does not expand variables in URLs — add the server by hand with the URL written out.`;
    else problem ??= `The URL uses ${showReference(found)}, and MCP Connections does not expand variables in URLs — add the server by hand with the URL written out.`;
    return '';
  }).trim();
  if (problem) return { reason: problem };
  notes.push(...urlCredentialNotes(url));

  const headers: Record<string, string> = {};
  const translated: Record<string, string> = {};
  for (const [header, value] of Object.entries(candidate.headers)) {
    const refs = findReferences(value, candidate.dialect);
    const text = replaceReferences(value, refs, (found) => {
      const ref = found.reference;
      switch (ref.kind) {
        case 'env':
          if (ref.bare && candidate.env && Object.hasOwn(candidate.env, ref.name)) return candidate.env[ref.name];
          if (ref.hasDefault) notes.push(`Header "${header}": ${showReference(found)} had a default, which MCP Connections cannot express — the header now needs the environment variable ${ref.name}.`);
          return `\${env:${ref.name}}`;
        case 'secret':
          return `\${secret:${ref.name}}`;
        case 'input': {
          const input = candidate.inputs[ref.name];
          const what = input?.description ? ` ("${input.description}")` : input ? '' : ', which is not among the file\'s inputs,';
          notes.push(`Header "${header}": \${input:${ref.name}}${what} has no value here — set it with MCP: Set Secret… as "${ref.name}".`);
          if (!unsetSecrets.includes(ref.name)) unsetSecrets.push(ref.name);
          return `\${secret:${ref.name}}`;
        }
        case 'workspaceFolder':
        case 'workspaceFolderBasename': {
          const folder = folderValue(found);
          if (folder === undefined) problem ??= `Header "${header}" uses ${found.text}, but ${source.label} belongs to no workspace folder — add the server by hand.`;
          return folder ?? '';
        }
        default: {
          const key = newKey(header);
          const what = ref.kind === 'file' ? `reads a file (${showReference(found)}), which MCP Connections does not do` : `uses ${showReference(found)}, which MCP Connections cannot expand`;
          notes.push(`Header "${header}" ${what} — set its value with MCP: Set Secret… as "${key}".`);
          unsetSecrets.push(key);
          return `\${secret:${key}}`;
        }
      }
    });
    translated[header] = text;

    const split = splitSecret(header, text);
    if (split.kind === 'none') {
      headers[header] = text;
    } else if (split.kind === 'mixed') {
      headers[header] = text;
      notes.push(`Header "${header}" mixes a literal value with \${…} references, so it is written to settings as it is — move the literal part into a secret by hand.`);
    } else {
      const key = newKey(header);
      const secret = split.kind === 'token' ? split.token : text;
      headers[header] = split.kind === 'token' ? `${split.scheme} \${secret:${key}}` : `\${secret:${key}}`;
      secrets.push({ key, value: secret, header });
      notes.push(
        looksLikePlaceholder(secret)
          ? `Header "${header}" holds what looks like a placeholder, not a real credential — set the real value with MCP: Set Secret… as "${key}".`
          : `The value of header "${header}" moves to Secret Storage as "${key}".`,
      );
    }
  }
  if (problem) return { reason: problem };

  const entry: ImportedEntry = { url };
  if (Object.keys(headers).length) entry.headers = headers;
  if (candidate.transport) entry.transport = candidate.transport;
  if (candidate.disabled) {
    entry.enabled = false;
    notes.push(`Switched off in ${clientName(source)}: imported with "enabled": false.`);
  }
  return { entry, secrets, unsetSecrets, notes, translated };
}

/** Notes for credentials in a URL, which settings keep as written (secrets are only for headers). */
function urlCredentialNotes(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const notes: string[] = [];
  if (parsed.username || parsed.password) {
    notes.push('The URL carries a user name or password; it stays in the URL in settings — an Authorization header with a secret is safer.');
  }
  const keys = [...new Set(parsed.searchParams.keys())].filter((key) => SECRET_QUERY.test(key) && parsed.searchParams.get(key));
  for (const key of keys.slice(0, 5)) {
    notes.push(`The URL's query parameter "${key.replace(/[\p{Cc}\p{Cf}"]/gu, '').slice(0, 40)}" looks like a credential; it stays in the URL in settings (only header values can be secrets).`);
  }
  return notes;
}

/** `name (cursor)`, then `name (cursor 2)`, …, within the 100-character limit. */
function alternativeName(candidate: RemoteCandidate, taken: (name: string) => boolean): string {
  for (let n = 1; ; n++) {
    const suffix = ` (${candidate.source.client}${n === 1 ? '' : ` ${n}`})`;
    const name = `${shorten(candidate.name, MAX_NAME - suffix.length)}${suffix}`;
    if (!taken(name)) return name;
  }
}

function clashNote(candidate: RemoteCandidate, name: string, configured: Configured[], plannedFrom: Map<string, ImportSource>, url: string): string {
  const existing = configured.find((server) => server.name.toLowerCase() === candidate.name.toLowerCase());
  if (existing) {
    const differs = existing.url === url ? 'the same URL but other headers or transport' : 'a different URL';
    return `A server named "${existing.name}" is already configured with ${differs} — this one is proposed as "${name}".`;
  }
  const other = plannedFrom.get(candidate.name.toLowerCase());
  if (other) return `A server from ${other.label} is also named "${candidate.name}" — this one is proposed as "${name}".`;
  // The name is taken by a configured entry that is not valid, so its URL is unknown.
  return `The name "${candidate.name}" is already taken in settings — this one is proposed as "${name}".`;
}

function readExisting(existing: Record<string, unknown>): { names: string[]; secretKeys: string[]; servers: Configured[] } {
  const names: string[] = [];
  const secretKeys: string[] = [];
  const servers: Configured[] = [];
  for (const [name, value] of Object.entries(existing)) {
    names.push(name.toLowerCase());
    // Every reference the entry makes, wherever it is (headers, oauth.clientSecret, a header validation drops, an
    // invalid entry): a secret another server reads must never be overwritten by an import.
    for (const match of (JSON.stringify(value) ?? '').matchAll(/\$\{secret:([^}"]+)\}/g)) secretKeys.push(match[1]);
    const checked = validateServer(name, value, 'user');
    if (!checked.config) continue;
    servers.push({ name, url: checked.config.endpoint.configured, transport: checked.config.transport, headers: maskHeaders(checked.config.headers) });
  }
  return { names, secretKeys, servers };
}

/** Header names lower-cased, and every `${secret:…}` the same: secret values cannot be compared. */
function maskHeaders(headers: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value.replace(SECRET_REFERENCE, '${secret}')]));
}

function sameHeaders(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([name, value]) => b.get(name) === value);
}

function sortedHeaders(headers: Record<string, string>): Array<[string, string]> {
  return Object.entries(headers)
    .map(([name, value]): [string, string] => [name.toLowerCase(), value])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
