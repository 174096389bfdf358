import type { CallToolResult, ContentBlock, GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { escapeControls } from '../common/text';

/**
 * What a result becomes: a read-only document with the server's text in it verbatim, the binary
 * parts beside it (images open in VS Code's image viewer), and the links we put in it ourselves —
 * by position, so nothing the server wrote can pose as one. No vscode import: the caller turns
 * link targets into URIs.
 */
export interface RenderedDocument {
  /** The document's file name, which the tab shows ("search — error.md"); its extension picks the language. */
  name: string;
  text: string;
  parts: RenderedPart[];
  links: RenderedLink[];
}

export interface RenderedPart {
  name: string;
  mimeType: string;
  bytes: Uint8Array;
}

/** A span of one line that opens a part of this document or a resource of the same server. */
export interface RenderedLink {
  line: number;
  start: number;
  end: number;
  target: { part: string } | { resource: string };
}

/** A document being written line by line, which remembers where its links are. */
class Lines {
  readonly lines: string[] = [];
  readonly links: RenderedLink[] = [];
  readonly parts: RenderedPart[] = [];

  push(...lines: string[]): void {
    this.lines.push(...lines);
  }

  /** One line of our own, `label` then a link whose text is `linkText`; server text in it is made one line. */
  pushLink(label: string, linkText: string, target: RenderedLink['target']): void {
    const prefix = escapeControls(label);
    const shown = escapeControls(linkText);
    this.links.push({ line: this.lines.length, start: prefix.length, end: prefix.length + shown.length, target });
    this.lines.push(`${prefix}${shown}`, '');
  }

  document(name: string): RenderedDocument {
    return { name, text: `${this.lines.join('\n').trimEnd()}\n`, parts: this.parts, links: this.links };
  }
}

/**
 * A tool result: the first line says whether it is an error result, then every text part verbatim,
 * the structured content as JSON, and one line per image, audio, embedded resource or link.
 */
export function renderToolResult(input: { server: string; tool: string; result: CallToolResult; ms: number }): RenderedDocument {
  const { server, tool, result, ms } = input;
  const isError = result.isError === true;
  const out = new Lines();
  out.push(isError ? `# Error result: ${escapeControls(tool)} on ${escapeControls(server)} (${ms} ms)` : `# ${escapeControls(tool)} on ${escapeControls(server)} — ok in ${ms} ms`, '');
  renderContent(result.content ?? [], out);
  if (result.structuredContent !== undefined) out.push('Structured content:', '', '```json', JSON.stringify(result.structuredContent, null, 2), '```', '');
  if (!result.content?.length && result.structuredContent === undefined) out.push('(The result has no content.)');
  return out.document(`${fileSafe(tool)} — ${isError ? 'error' : 'result'}.md`);
}

/**
 * A resource's contents: one text content is the document itself, verbatim, named so that its MIME
 * type picks the language; a single image is the document's bytes (it opens as an image); anything
 * else becomes a Markdown document listing the contents.
 */
export function renderResource(input: { server: string; uri: string; result: ReadResourceResult }): RenderedDocument & { bytes?: Uint8Array } {
  const contents = input.result.contents ?? [];
  const base = fileSafe(lastSegment(input.uri) || 'resource');
  if (contents.length === 1) {
    const [only] = contents;
    if ('text' in only && typeof only.text === 'string') return { name: withExtension(base, only.mimeType, 'txt'), text: only.text, parts: [], links: [] };
    if ('blob' in only && typeof only.blob === 'string' && isViewable(only.mimeType)) {
      return { name: withExtension(base, only.mimeType, 'bin'), text: '', parts: [], links: [], bytes: Buffer.from(only.blob, 'base64') };
    }
  }
  const out = new Lines();
  out.push(`# ${escapeControls(input.uri)} on ${escapeControls(input.server)}`, '');
  if (!contents.length) out.push('(The resource has no contents.)');
  contents.forEach((content, i) => {
    out.push(`## ${escapeControls(content.uri)}${content.mimeType ? ` (${escapeControls(content.mimeType)})` : ''}`, '');
    if ('text' in content && typeof content.text === 'string') out.push(content.text, '');
    else if ('blob' in content && typeof content.blob === 'string') binary(out, Buffer.from(content.blob, 'base64'), content.mimeType, `content-${i + 1}`);
  });
  return out.document(`${base}.md`);
}

/** A prompt's messages: one section per message, its text verbatim. */
export function renderPrompt(input: { server: string; prompt: string; result: GetPromptResult }): RenderedDocument {
  const out = new Lines();
  out.push(`# ${escapeControls(input.prompt)} on ${escapeControls(input.server)}`, '');
  if (input.result.description) out.push(input.result.description, '');
  for (const message of input.result.messages) {
    out.push(`## ${escapeControls(String(message.role))}`, '');
    renderContent([message.content], out);
  }
  return out.document(`${fileSafe(input.prompt)}.md`);
}

function renderContent(content: ContentBlock[], out: Lines): void {
  for (const block of content) {
    switch (block.type) {
      case 'text':
        out.push(block.text, '');
        break;
      case 'image':
      case 'audio':
        binary(out, Buffer.from(block.data, 'base64'), block.mimeType, `${block.type}-${out.parts.length + 1}`);
        break;
      case 'resource_link':
        out.pushLink(`Resource link: ${block.name}${block.mimeType ? ` (${block.mimeType})` : ''} — `, block.uri, { resource: block.uri });
        break;
      case 'resource': {
        const resource = block.resource;
        const heading = `Embedded resource ${escapeControls(resource.uri)}${resource.mimeType ? ` (${escapeControls(resource.mimeType)})` : ''}`;
        if ('text' in resource && typeof resource.text === 'string') out.push(`${heading}:`, '', resource.text, '');
        else if ('blob' in resource && typeof resource.blob === 'string') {
          out.push(`${heading}:`, '');
          binary(out, Buffer.from(resource.blob, 'base64'), resource.mimeType, `resource-${out.parts.length + 1}`);
        }
        break;
      }
      default:
        out.push(`(${escapeControls(String((block as { type?: unknown }).type))} content, not shown)`, '');
    }
  }
}

/** One line for binary content; a viewable one (an image) is kept as a part, and the line links to it. */
function binary(out: Lines, bytes: Uint8Array, mimeType: string | undefined, name: string): void {
  const description = describeBinary(mimeType, bytes.length);
  if (!isViewable(mimeType)) {
    out.push(`Binary content (${escapeControls(description)}), not shown.`, '');
    return;
  }
  const file = withExtension(name, mimeType, 'bin');
  out.parts.push({ name: file, mimeType: mimeType!, bytes });
  out.pushLink(`Image (${description}): `, file, { part: file });
}

export function describeBinary(mimeType: string | undefined, size: number): string {
  return `${mimeType || 'binary'}, ${formatBytes(size)}`;
}

const EXTENSIONS: Record<string, string> = {
  'application/json': 'json',
  'text/markdown': 'md',
  'text/x-markdown': 'md',
  'text/plain': 'txt',
  'text/html': 'html',
  'text/css': 'css',
  'text/csv': 'csv',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'application/yaml': 'yaml',
  'text/yaml': 'yaml',
  'application/javascript': 'js',
  'text/javascript': 'js',
  'application/typescript': 'ts',
  'text/x-python': 'py',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
};

/** Images VS Code's image viewer shows (not SVG: it is markup). */
export function isViewable(mimeType: string | undefined): boolean {
  return /^image\/(png|jpeg|gif|webp|bmp)$/.test(mimeType ?? '');
}

/** The file extension a MIME type calls for (so the language follows it), or `fallback`. */
export function extensionFor(mimeType: string | undefined, fallback: string): string {
  const type = (mimeType ?? '').split(';')[0].trim().toLowerCase();
  return EXTENSIONS[type] ?? (type.endsWith('+json') ? 'json' : fallback);
}

function withExtension(base: string, mimeType: string | undefined, fallback: string): string {
  const extension = extensionFor(mimeType, fallback);
  return base.toLowerCase().endsWith(`.${extension}`) ? base : `${base}.${extension}`;
}

function lastSegment(uri: string): string {
  return uri.replace(/[?#].*$/, '').replace(/\/+$/, '').split(/[/:]/).pop() ?? '';
}

/** A name that is safe as one path segment: no separators, no controls, not too long. */
export function fileSafe(name: string): string {
  return escapeControls(name).replace(/[/\\]/g, '_').replace(/^\.+/, '_').slice(0, 80) || '_';
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
