import type { Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import { LIST_LABELS, ListName } from '../connections/catalog';
import { terminalSafe } from '../common/text';
import type { CatalogReport, ListReport } from './report';

/**
 * What the list commands print: one block per tool or prompt, one line per resource. All of it is
 * the server's text, each piece on one line with nothing in it that could drive the terminal.
 */
export function formatCatalog(catalog: CatalogReport): string {
  const sections: string[] = [];
  if (catalog.tools) sections.push(section('tools', catalog.tools, 'tool', toolBlock, '\n\n'));
  if (catalog.resources) sections.push(section('resources', catalog.resources, 'resource', resourceLine, '\n'));
  if (catalog.resourceTemplates) sections.push(section('resourceTemplates', catalog.resourceTemplates, 'resource template', templateLine, '\n'));
  if (catalog.prompts) sections.push(section('prompts', catalog.prompts, 'prompt', promptBlock, '\n\n'));
  return sections.join('\n\n');
}

function section<T>(name: ListName, list: ListReport<T>, singular: string, format: (item: T) => string, between: string): string {
  const label = LIST_LABELS[name];
  if (list.error) return `✗ Could not list the ${label}: ${safe(list.error)}`;
  if (!list.items.length) return `The server lists no ${label}.`;
  const counted = `${list.items.length} ${list.items.length === 1 ? singular : label}`;
  // Blocks stand apart from the count as from each other; lines follow it directly.
  const lines = [`${counted}:`, ...(between === '\n\n' ? [''] : []), list.items.map(format).join(between)];
  // Said after the list, where it is read last: these are not all the server has.
  if (list.cut) lines.push('', `⚠ The ${label} list was cut after ${counted}: ${safe(list.cut)}.`);
  return lines.join('\n');
}

function toolBlock(tool: Tool): string {
  const title = tool.title ?? tool.annotations?.title;
  const lines = [`${safe(tool.name)}${title ? ` — ${safe(title)}` : ''}`];
  if (tool.description) lines.push(`  ${safe(firstParagraph(tool.description))}`);
  const schema = tool.inputSchema;
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  if (!properties.length) lines.push('  no parameters');
  else lines.push('  parameters:', ...properties.map(([name, property]) => `    ${parameterLine(name, typeOf(property), required.has(name), descriptionOf(property))}`));
  return lines.join('\n');
}

function promptBlock(prompt: Prompt): string {
  const lines = [`${safe(prompt.name)}${prompt.title ? ` — ${safe(prompt.title)}` : ''}`];
  if (prompt.description) lines.push(`  ${safe(firstParagraph(prompt.description))}`);
  const args = prompt.arguments ?? [];
  if (!args.length) lines.push('  no arguments');
  else lines.push('  arguments:', ...args.map((arg) => `    ${parameterLine(arg.name, undefined, arg.required === true, arg.description)}`));
  return lines.join('\n');
}

/** `name (type, required) — first line of its description`. */
function parameterLine(name: string, type: string | undefined, required: boolean, description: string | undefined): string {
  const facts = [type, required ? 'required' : undefined].filter((fact): fact is string => !!fact);
  const about = description ? firstLine(description) : '';
  return `${safe(name)}${facts.length ? ` (${facts.map(safe).join(', ')})` : ''}${about ? ` — ${safe(about)}` : ''}`;
}

function resourceLine(resource: Resource): string {
  return `  ${safe(resource.uri)} — ${safe(resource.name)}${resource.mimeType ? ` (${safe(resource.mimeType)})` : ''}`;
}

function templateLine(template: ResourceTemplate): string {
  return `  ${safe(template.uriTemplate)} — ${safe(template.name)}${template.mimeType ? ` (${safe(template.mimeType)})` : ''}`;
}

/** A parameter's JSON Schema type as a person reads it: `string`, `number|null`, `string[]`, `any`. */
function typeOf(schema: unknown, depth = 0): string {
  if (!schema || typeof schema !== 'object' || depth > 3) return 'any';
  const { type, items, anyOf, oneOf, enum: values } = schema as Record<string, unknown>;
  if (type === 'array' && items) return `${typeOf(items, depth + 1)}[]`;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.map(String).join('|');
  const members = Array.isArray(anyOf) ? anyOf : Array.isArray(oneOf) ? oneOf : undefined;
  if (members) return members.map((member) => typeOf(member, depth + 1)).join('|');
  if (Array.isArray(values)) return 'enum';
  return 'any';
}

function descriptionOf(schema: unknown): string | undefined {
  const description = (schema as { description?: unknown } | null)?.description;
  return typeof description === 'string' ? description : undefined;
}

/** The first paragraph, as one line (a description's opening is what a list has room for). */
function firstParagraph(text: string): string {
  return (text.trim().split(/\n\s*\n/)[0] ?? '').replace(/\s+/g, ' ');
}

function firstLine(text: string): string {
  return (text.trim().split(/\r\n|\r|\n/)[0] ?? '').trim();
}

const safe = (text: string): string => terminalSafe(text);
