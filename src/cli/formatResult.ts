import type { CallToolResult, ContentBlock, GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { terminalSafe } from '../common/text';
import type { SavedFile } from './saveContent';

type ResourceContents = ReadResourceResult['contents'][number];

/**
 * What call, read and prompt print of the server's answer. Text is shown as the server sent it,
 * newlines and tabs kept (`terminalSafe(text, true)`); everything else the server sent — URIs, MIME
 * types, names — on one line each, with nothing in it that could drive the terminal.
 */
export function formatToolResult(result: CallToolResult, saved: readonly SavedFile[] = []): string {
  if (!Array.isArray(result.content)) return terminalSafe(JSON.stringify(result, null, 2), true);
  const lines = result.content.map((block, part) => formatBlock(block, savedPath(saved, part)));
  if (result.structuredContent !== undefined) lines.push('Structured content:', terminalSafe(JSON.stringify(result.structuredContent, null, 2), true));
  return lines.join('\n');
}

export function formatResourceContents(result: ReadResourceResult, saved: readonly SavedFile[] = []): string {
  if (!result.contents.length) return 'The server sent no contents.';
  return result.contents.map((item, part) => formatContents(item, savedPath(saved, part))).join('\n');
}

/** The prompt's messages, a heading with its role before each. */
export function formatPromptMessages(result: GetPromptResult): string {
  const lines: string[] = [];
  if (result.description) lines.push(terminalSafe(result.description, true), '');
  for (const message of result.messages) lines.push(`── ${terminalSafe(message.role)} ──`, formatBlock(message.content));
  if (!result.messages.length) lines.push('The prompt has no messages.');
  return lines.join('\n');
}

function formatBlock(block: ContentBlock, saved?: string): string {
  switch (block.type) {
    case 'text':
      return terminalSafe(block.text, true);
    case 'image':
    case 'audio':
      return describe(block.type, [block.mimeType, formatSize(Buffer.byteLength(block.data, 'base64'))], saved);
    case 'resource':
      return formatContents(block.resource, saved);
    case 'resource_link':
      return describe('resource link', [block.name, block.uri, block.mimeType]);
    default:
      return `[${terminalSafe(String((block as { type: unknown }).type))}]`;
  }
}

/** An embedded or read resource: a one-line header, then its text as it is — or, for a blob, the header alone. */
function formatContents(item: ResourceContents, saved?: string): string {
  if ('text' in item && typeof item.text === 'string') return `${describe('resource', [item.uri, item.mimeType])}\n${terminalSafe(item.text, true)}`;
  const blob = 'blob' in item && typeof item.blob === 'string' ? item.blob : '';
  return describe('resource', [item.uri, item.mimeType, formatSize(Buffer.byteLength(blob, 'base64'))], saved);
}

/** `[image: image/png, 1.2 KiB]`, or `[image: image/png, 1.2 KiB — saved as out/x-1.png]`. */
function describe(kind: string, facts: (string | undefined)[], saved?: string): string {
  const shown = facts.filter((fact): fact is string => !!fact).map((fact) => terminalSafe(fact));
  return `[${kind}${shown.length ? `: ${shown.join(', ')}` : ''}${saved ? ` — saved as ${terminalSafe(saved)}` : ''}]`;
}

function savedPath(saved: readonly SavedFile[], part: number): string | undefined {
  return saved.find((file) => file.part === part)?.path;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
