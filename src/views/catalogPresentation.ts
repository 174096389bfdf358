import type { Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ListName, ListResult } from '../connections/catalog';
import type { ConnectedState } from '../connections/state';
import { escapeControls, markdownText } from '../common/text';

/** How one listed item looks in the tree: plain data, made of inert text only. */
export interface ItemView {
  /** What makes it unique in its list (a tool's or prompt's name, a resource's URI, a template). */
  key: string;
  label: string;
  description?: string;
  /** Markdown, every part of it escaped. */
  tooltip: string;
}

/** The groups a connected server shows: the lists its capabilities offer (templates only when there are some). */
export function groupsOf(state: ConnectedState): { list: ListName; result: ListResult<unknown> }[] {
  const { capabilities, catalog } = state;
  const groups: { list: ListName; result: ListResult<unknown> }[] = [];
  if (capabilities.tools) groups.push({ list: 'tools', result: catalog.tools });
  if (capabilities.resources) groups.push({ list: 'resources', result: catalog.resources });
  const templates = catalog.resourceTemplates;
  if (capabilities.resources && (templates.items.length || templates.error || templates.cut)) groups.push({ list: 'resourceTemplates', result: templates });
  if (capabilities.prompts) groups.push({ list: 'prompts', result: catalog.prompts });
  return groups;
}

/** What the tree says in place of a list's missing items, if anything is missing. */
export function listProblem(result: ListResult<unknown>): string | undefined {
  if (result.error) return `Could not list: ${oneLine(result.error)} — Refresh to try again`;
  if (result.cut) return `List cut after ${result.items.length} items: ${oneLine(result.cut)}`;
  return undefined;
}

export function itemView(list: ListName, raw: unknown): ItemView {
  switch (list) {
    case 'tools': {
      const tool = raw as Tool;
      return view(tool.name, tool.title ?? tool.annotations?.title ?? tool.name, tool.name, tool.description);
    }
    case 'resources': {
      const resource = raw as Resource;
      return view(resource.uri, resource.title ?? resource.name, resource.uri, resource.description, resource.mimeType);
    }
    case 'resourceTemplates': {
      const template = raw as ResourceTemplate;
      return view(template.uriTemplate, template.title ?? template.name, template.uriTemplate, template.description, template.mimeType);
    }
    case 'prompts': {
      const prompt = raw as Prompt;
      const args = prompt.arguments?.map((a) => `${a.name}${a.required ? '' : '?'}`).join(', ');
      return view(prompt.name, prompt.title ?? prompt.name, args ? `${prompt.name}(${args})` : prompt.name, prompt.description);
    }
  }
}

function view(key: string, label: string, heading: string, description?: string, mimeType?: string): ItemView {
  const firstLine = description?.split(/\r\n|\r|\n/).find((line) => line.trim());
  const rows = [`**${markdownText(heading)}**`];
  if (mimeType) rows.push(markdownText(mimeType));
  if (description) rows.push(markdownText(description));
  return { key, label: oneLine(label), description: firstLine && oneLine(firstLine), tooltip: rows.join('\n\n') };
}

/** Tree labels and descriptions are plain text: one line, no controls. */
function oneLine(text: string): string {
  return escapeControls(text.replace(/\r\n|\r|\n/g, ' ')).slice(0, 300);
}
