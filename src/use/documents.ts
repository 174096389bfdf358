import * as vscode from 'vscode';
import type { RenderedLink } from './render';

/** Our own scheme: results, resources and prompts open read-only under it. */
export const DOCUMENT_SCHEME = 'mcp-connections';

/** The most documents (and bytes) kept; the oldest go first. */
const KEPT_FILES = 500;
const KEPT_BYTES = 64 * 1024 * 1024;

/** A resource's document: /resource/<server>/<resource URI>/<file name>. */
export interface LiveResource {
  server: string;
  uri: string;
}

/** Reads a resource from its server when its document is opened and not kept (after a reload, say). */
export type ResourceReader = (resource: LiveResource) => Promise<Uint8Array>;

interface StoredFile {
  bytes: Uint8Array;
  ctime: number;
  mtime: number;
  links: RenderedLink[];
}

/**
 * A read-only file system for what servers send: tool results, prompt messages and resource
 * contents become documents (text as the server sent it — never a webview, a preview or a temp
 * file), and images become files VS Code's image viewer opens. A resource's path names the server
 * and the resource, so a document restored after a reload is read again from its server.
 */
export class McpDocuments implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private readonly files = new Map<string, StoredFile>();
  private bytes = 0;
  private counter = 0;

  constructor(private readonly readResource: ResourceReader) {}

  /** A new folder for one call's document and its parts: /<kind>/<server>/<n>/. */
  folder(kind: 'tool' | 'prompt', server: string): string[] {
    return [kind, server, String(++this.counter)];
  }

  static resourceSegments(resource: LiveResource, fileName: string): string[] {
    return ['resource', resource.server, resource.uri, fileName];
  }

  static uriOf(segments: string[]): vscode.Uri {
    return vscode.Uri.from({ scheme: DOCUMENT_SCHEME, path: `/${segments.map(encodeSegment).join('/')}` });
  }

  static segmentsOf(uri: vscode.Uri): string[] {
    return uri.path.slice(1).split('/').map(decodeSegment);
  }

  /** The server and resource a document stands for, if it is a resource's document. */
  static resourceOf(uri: vscode.Uri): LiveResource | undefined {
    if (uri.scheme !== DOCUMENT_SCHEME) return undefined;
    const segments = McpDocuments.segmentsOf(uri);
    return segments.length === 4 && segments[0] === 'resource' ? { server: segments[1], uri: segments[2] } : undefined;
  }

  put(segments: string[], content: Uint8Array | string, links: RenderedLink[] = []): vscode.Uri {
    const uri = McpDocuments.uriOf(segments);
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const previous = this.files.get(uri.path);
    const now = Date.now();
    this.bytes += bytes.length - (previous?.bytes.length ?? 0);
    this.files.delete(uri.path);
    this.files.set(uri.path, { bytes, ctime: previous?.ctime ?? now, mtime: Math.max(now, (previous?.mtime ?? 0) + 1), links });
    this.evict();
    this.changed.fire([{ type: previous ? vscode.FileChangeType.Changed : vscode.FileChangeType.Created, uri }]);
    return uri;
  }

  /** The links we wrote into a document (positions and targets). */
  linksOf(uri: vscode.Uri): RenderedLink[] {
    return this.files.get(uri.path)?.links ?? [];
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const file = this.files.get(uri.path);
    if (file) return { type: vscode.FileType.File, ctime: file.ctime, mtime: file.mtime, size: file.bytes.length, permissions: vscode.FilePermission.Readonly };
    if (McpDocuments.resourceOf(uri)) return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: 0, permissions: vscode.FilePermission.Readonly };
    const prefix = `${uri.path.replace(/\/$/, '')}/`;
    if ([...this.files.keys()].some((path) => path.startsWith(prefix))) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0, permissions: vscode.FilePermission.Readonly };
    throw vscode.FileSystemError.FileNotFound(uri);
  }

  readDirectory(uri: vscode.Uri): [string, vscode.FileType][] {
    const prefix = `${uri.path.replace(/\/$/, '')}/`;
    const children = new Map<string, vscode.FileType>();
    for (const path of this.files.keys()) {
      if (!path.startsWith(prefix)) continue;
      const [first, ...rest] = path.slice(prefix.length).split('/');
      children.set(decodeSegment(first), rest.length ? vscode.FileType.Directory : vscode.FileType.File);
    }
    return [...children];
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const file = this.files.get(uri.path);
    if (file) return file.bytes;
    const resource = McpDocuments.resourceOf(uri);
    if (!resource) throw vscode.FileSystemError.FileNotFound(uri);
    const bytes = await this.readResource(resource);
    this.put(McpDocuments.segmentsOf(uri), bytes);
    return bytes;
  }

  watch(): vscode.Disposable {
    // Changes are ours to announce (put); VS Code needs nothing started per path.
    return new vscode.Disposable(() => undefined);
  }

  writeFile(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  createDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  delete(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  rename(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    this.changed.dispose();
    this.files.clear();
  }

  private evict(): void {
    for (const [path, file] of this.files) {
      if (this.files.size <= KEPT_FILES && this.bytes <= KEPT_BYTES) return;
      this.files.delete(path);
      this.bytes -= file.bytes.length;
    }
  }
}

/**
 * A path segment may hold a slash (a resource URI does): it and the escape character are escaped,
 * nothing else, so the tab shows the file name as it is.
 */
function encodeSegment(segment: string): string {
  return segment.replace(/%/g, '%25').replace(/\//g, '%2F');
}

function decodeSegment(segment: string): string {
  return segment.replace(/%2F/g, '/').replace(/%25/g, '%');
}
