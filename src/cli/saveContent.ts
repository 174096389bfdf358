import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContentBlock, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';

/** Binary content of a result: which part of it (its index in `content` or `contents`), base64 data, MIME type. */
export interface BinaryPart {
  part: number;
  data: string;
  mimeType?: string;
}

export interface SavedFile {
  part: number;
  path: string;
  mimeType: string | null;
  bytes: number;
}

/** Raised with a sentence when --out cannot be written. */
export class SaveError extends Error {}

/** The extension for each MIME type a server is likely to send; anything else is saved as .bin. */
const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
  'image/bmp': 'bmp',
  'image/tiff': 'tiff',
  'image/avif': 'avif',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/ogg': 'ogg',
  'audio/webm': 'webm',
  'audio/flac': 'flac',
  'audio/aac': 'aac',
  'audio/mp4': 'm4a',
  'application/pdf': 'pdf',
  'application/gzip': 'gz',
  'application/zip': 'zip',
  'application/json': 'json',
  'text/plain': 'txt',
  'text/markdown': 'md',
  'text/html': 'html',
  'text/csv': 'csv',
};

/** The images, audio and embedded blobs of a tool result's content. */
export function binaryPartsOfContent(content: readonly ContentBlock[]): BinaryPart[] {
  return content.flatMap((block, part): BinaryPart[] => {
    if (block.type === 'image' || block.type === 'audio') return [{ part, data: block.data, mimeType: block.mimeType }];
    if (block.type === 'resource' && 'blob' in block.resource) return [{ part, data: block.resource.blob, mimeType: block.resource.mimeType }];
    return [];
  });
}

/** The blobs a resources/read answered with. */
export function binaryPartsOfContents(contents: ReadResourceResult['contents']): BinaryPart[] {
  return contents.flatMap((item, part): BinaryPart[] => ('blob' in item && typeof item.blob === 'string' ? [{ part, data: item.blob, mimeType: item.mimeType }] : []));
}

/** A file's name never comes from what the server sent: a name the user typed, reduced to safe characters. */
export function fileBase(name: string, fallback: string): string {
  const base = name.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^[-_]+/, '').slice(0, 64);
  return base || fallback;
}

export function extensionFor(mimeType: string | undefined): string {
  return EXTENSIONS[(mimeType ?? '').split(';')[0].trim().toLowerCase()] ?? 'bin';
}

/** How many numbers past one already taken are tried before giving up. */
const MAX_TRIES = 10_000;

/**
 * Saves each blob as `<base>-<n>.<ext>` in `dir` (created if missing). An existing file is never
 * overwritten (nor a link followed): its number is skipped for the next free one.
 */
export async function saveBlobs(blobs: BinaryPart[], dir: string, base: string): Promise<SavedFile[]> {
  if (!blobs.length) return [];
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new SaveError(`Could not create the --out directory ${dir}: ${(error as Error).message}`);
  }
  const saved: SavedFile[] = [];
  let next = 1;
  for (const blob of blobs) {
    const bytes = Buffer.from(blob.data, 'base64');
    const extension = extensionFor(blob.mimeType);
    for (let tries = 0; ; tries++) {
      const path = join(dir, `${base}-${next++}.${extension}`);
      try {
        await writeFile(path, bytes, { flag: 'wx' });
        saved.push({ part: blob.part, path, mimeType: blob.mimeType ?? null, bytes: bytes.length });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new SaveError(`Could not save ${path}: ${(error as Error).message}`);
        if (tries >= MAX_TRIES) throw new SaveError(`Could not save into ${dir}: ${base}-1 to ${base}-${next - 1} are all taken — choose another --out directory.`);
      }
    }
  }
  return saved;
}
