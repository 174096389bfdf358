import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { clientName, parseConfigText, readSection, type Candidate } from './parse';
import { importSources, type ClientId, type ImportLocations, type ImportSource } from './sources';

/** The little file access discovery needs; the extension and tests pass `nodeImportFs()`. */
export interface ImportFs {
  /**
   * The file's text, or undefined when there is no such file. A file larger than `maxBytes` must not
   * be read whole: throw `FileTooLargeError`. Any other error is reported as "could not be read".
   */
  readFile(path: string, maxBytes: number): Promise<string | undefined>;
}

export class FileTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`file is ${bytes} bytes`);
  }
}

export interface SourceSummary {
  id: string;
  label: string;
  path: string;
  /** The file exists and was read. */
  found: boolean;
  remoteCount: number;
  skippedCount: number;
}

export interface Discovery {
  /** Remote servers and skipped entries, in source order (the order of `importSources`). */
  candidates: Candidate[];
  /** One sentence per file that could not be used (not valid JSON, too large, unreadable). */
  problems: string[];
  sources: SourceSummary[];
}

/**
 * Reads every client's config file (or those of `clients` only) and lists what could be imported.
 * Never throws; follows nothing.
 */
export async function discoverImports(fs: ImportFs, locations: ImportLocations, clients?: readonly ClientId[]): Promise<Discovery> {
  const sources = importSources(locations).filter((source) => !clients || clients.includes(source.client));
  const files = await readAll(fs, sources);
  const candidates: Candidate[] = [];
  const problems: string[] = [];
  const summaries: SourceSummary[] = [];
  const reported = new Set<string>();
  for (const source of sources) {
    const file = files.get(source.path)!;
    const summary: SourceSummary = { id: source.id, label: source.label, path: source.path, found: file.kind !== 'absent', remoteCount: 0, skippedCount: 0 };
    summaries.push(summary);
    if (file.kind === 'problem') {
      // ~/.claude.json backs several sources: one sentence for the file.
      if (!reported.has(source.path)) problems.push(file.problem);
      reported.add(source.path);
      continue;
    }
    if (file.kind === 'absent') continue;
    const section = readSection(source, file.value);
    problems.push(...section.problems);
    for (const candidate of section.candidates) {
      candidates.push(candidate);
      if (candidate.kind === 'remote') summary.remoteCount++;
      else summary.skippedCount++;
    }
  }
  return { candidates, problems, sources: summaries };
}

/**
 * Whether any client's file has a remote server: for the welcome view of an empty tree. Stops at the
 * first file that has one.
 */
export async function hasImportableServers(fs: ImportFs, locations: ImportLocations): Promise<boolean> {
  const sources = importSources(locations);
  const files = new Map<string, Promise<ReadFile>>();
  for (const source of sources) {
    if (!files.has(source.path)) files.set(source.path, readOne(fs, source));
    const file = await files.get(source.path)!;
    if (file.kind === 'parsed' && readSection(source, file.value).candidates.some((c) => c.kind === 'remote')) return true;
  }
  return false;
}

/**
 * Reads files with `node:fs`. Only regular files are read (a FIFO or device behind the path is refused
 * without blocking), and the size is checked on the open file before anything is read.
 */
export function nodeImportFs(): ImportFs {
  return {
    async readFile(path, maxBytes) {
      let handle;
      try {
        handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
      try {
        const stat = await handle.stat();
        if (!stat.isFile()) throw new Error('not a regular file');
        if (stat.size > maxBytes) throw new FileTooLargeError(stat.size);
        const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        if (bytesRead > maxBytes) throw new FileTooLargeError(bytesRead); // grew since stat
        return buffer.subarray(0, bytesRead).toString('utf8');
      } finally {
        await handle.close();
      }
    },
  };
}

type ReadFile = { kind: 'absent' } | { kind: 'parsed'; value: unknown } | { kind: 'problem'; problem: string };

async function readAll(fs: ImportFs, sources: ImportSource[]): Promise<Map<string, ReadFile>> {
  const firstByPath = new Map<string, ImportSource>();
  for (const source of sources) if (!firstByPath.has(source.path)) firstByPath.set(source.path, source);
  const entries = await Promise.all([...firstByPath].map(async ([path, source]) => [path, await readOne(fs, source)] as const));
  return new Map(entries);
}

async function readOne(fs: ImportFs, source: ImportSource): Promise<ReadFile> {
  let text: string | undefined;
  try {
    text = await fs.readFile(source.path, source.maxBytes);
  } catch (error) {
    if (isMissing(error)) return { kind: 'absent' };
    if (error instanceof FileTooLargeError) return tooLarge(source);
    const code = typeof (error as { code?: unknown })?.code === 'string' ? ` (${(error as { code: string }).code})` : '';
    return { kind: 'problem', problem: `${clientName(source)}'s ${source.path} could not be read${code}.` };
  }
  if (text === undefined) return { kind: 'absent' };
  // An injected fs may not bound what it reads; check the size again (characters ≤ bytes in UTF-8).
  if (text.length > source.maxBytes) return tooLarge(source);
  const parsed = parseConfigText(source, text);
  return 'problem' in parsed ? { kind: 'problem', problem: parsed.problem } : { kind: 'parsed', value: parsed.value };
}

function tooLarge(source: ImportSource): ReadFile {
  return { kind: 'problem', problem: `${clientName(source)}'s ${source.path} is larger than ${megabytes(source.maxBytes)} MB, so it was not read.` };
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function megabytes(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}
