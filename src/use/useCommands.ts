import * as vscode from 'vscode';
import type { Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type { ListName } from '../connections/catalog';
import type { Connection } from '../connections/connection';
import type { CommandContext } from '../commands/context';
import { Commands } from '../commands/ids';
import { resolveServer } from '../commands/serverCommands';
import { FormPanel } from '../form/formPanel';
import type { LastArguments } from '../form/lastArguments';
import { itemView } from '../views/catalogPresentation';
import type { ItemNode } from '../views/serversTree';
import { askArguments, Completer } from './askArguments';
import { signIn } from '../signIn/interactiveSignIn';
import { Calls, CancelledError, SignInNeededError } from './calls';

export interface UseContext extends CommandContext {
  calls: Calls;
  lastArguments: LastArguments;
  extensionUri: vscode.Uri;
}

/** The programmatic contracts (other extensions and the tests rely on them; keep them exactly). */
interface ToolCall {
  server: string;
  tool: string;
  arguments?: Record<string, unknown>;
}
interface ResourceRead {
  server: string;
  uri: string;
}
interface PromptGet {
  server: string;
  prompt: string;
  arguments?: Record<string, unknown>;
}

/**
 * Call Tool…, Read Resource and Get Prompt…: from a tree node (ask what is missing), from the
 * palette (pick the server, then the item), or from a script with an object argument (ask nothing;
 * resolve to the document's Uri, reject with an Error that names what is wrong).
 */
export function registerUseCommands(ctx: UseContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.callTool, async (arg?: ItemNode | ToolCall) => {
      if (isScript(arg)) return callForScript(ctx, arg as ToolCall);
      await interactive(ctx, async () => {
        const target = await pickItem<Tool>(ctx, arg as ItemNode | undefined, 'tools', 'Call which tool?');
        if (target) await callInteractively(ctx, target.connection, target.item);
      });
    }),
    vscode.commands.registerCommand(Commands.readResource, async (arg?: ItemNode | ResourceRead) => {
      if (isScript(arg)) return readForScript(ctx, arg as ResourceRead);
      await interactive(ctx, async () => {
        const target = await pickResource(ctx, arg as ItemNode | undefined);
        if (!target) return;
        const uri = 'uriTemplate' in target.item ? await expandTemplate(target.connection, target.item) : target.item.uri;
        if (uri !== undefined) await ctx.calls.readResource(target.connection, uri);
      });
    }),
    vscode.commands.registerCommand(Commands.getPrompt, async (arg?: ItemNode | PromptGet) => {
      if (isScript(arg)) return promptForScript(ctx, arg as PromptGet);
      await interactive(ctx, async () => {
        const target = await pickItem<Prompt>(ctx, arg as ItemNode | undefined, 'prompts', 'Get which prompt?');
        if (!target) return;
        const { connection, item } = target;
        const args = await askArguments(
          `Get Prompt: ${item.name}`,
          (item.arguments ?? []).map((a) => ({ name: a.name, description: a.description, required: a.required === true })),
          completerFor(connection, { type: 'ref/prompt', name: item.name }),
        );
        if (args) await ctx.calls.getPrompt(connection, item.name, args);
      });
    }),
  ];
}

// ---- scripts --------------------------------------------------------------------------------------

function isScript(arg: unknown): arg is { server: unknown } {
  return typeof arg === 'object' && arg !== null && !('kind' in arg) && 'server' in arg;
}

async function callForScript(ctx: UseContext, call: ToolCall): Promise<vscode.Uri> {
  requireStrings(Commands.callTool, '{ server, tool, arguments? }', call, ['server', 'tool']);
  const args = call.arguments ?? {};
  if (!isObject(args)) throw new Error(`${Commands.callTool}: "arguments" must be an object.`);
  const connection = await ctx.calls.connected(call.server);
  requireListed(connection, 'tools', call.tool, (t: Tool) => t.name, `has no tool named "${call.tool}"`);
  return (await ctx.calls.callTool(connection, call.tool, args)).uri;
}

async function readForScript(ctx: UseContext, read: ResourceRead): Promise<vscode.Uri> {
  requireStrings(Commands.readResource, '{ server, uri }', read, ['server', 'uri']);
  const connection = await ctx.calls.connected(read.server);
  return (await ctx.calls.readResource(connection, read.uri)).uri;
}

async function promptForScript(ctx: UseContext, get: PromptGet): Promise<vscode.Uri> {
  requireStrings(Commands.getPrompt, '{ server, prompt, arguments? }', get, ['server', 'prompt']);
  if (get.arguments !== undefined && !isObject(get.arguments)) throw new Error(`${Commands.getPrompt}: "arguments" must be an object of strings.`);
  const args: Record<string, string> = {};
  for (const [name, value] of Object.entries(get.arguments ?? {})) {
    if (typeof value === 'object' && value !== null) throw new Error(`${Commands.getPrompt}: the argument "${name}" must be a string (prompt arguments are strings).`);
    args[name] = String(value);
  }
  const connection = await ctx.calls.connected(get.server);
  requireListed(connection, 'prompts', get.prompt, (p: Prompt) => p.name, `has no prompt named "${get.prompt}"`);
  return (await ctx.calls.getPrompt(connection, get.prompt, get.arguments === undefined ? undefined : args)).uri;
}

function requireStrings(command: string, shape: string, arg: object, keys: string[]): void {
  const missing = keys.filter((key) => typeof (arg as Record<string, unknown>)[key] !== 'string' || (arg as Record<string, string>)[key] === '');
  if (missing.length) throw new Error(`${command} takes ${shape}: "${missing[0]}" must be a non-empty string.`);
}

/** A name the server's complete list does not have is refused; a list cut short or failed is given the benefit of the doubt. */
function requireListed<T>(connection: Connection, list: ListName, name: string, nameOf: (item: T) => string, problem: string): void {
  const state = connection.state;
  if (state.kind !== 'connected') return;
  const result = state.catalog[list];
  if (result.cut || result.error) return;
  if (!(result.items as T[]).some((item) => nameOf(item) === name)) throw new Error(`The MCP server "${connection.name}" ${problem}.`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- the user -------------------------------------------------------------------------------------

/** A failure the user caused to be tried gets one notification; a cancel gets none. */
async function interactive(ctx: UseContext, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof CancelledError) return;
    if (error instanceof SignInNeededError) {
      const choice = await ctx.notify.error(error.message, 'Sign In', 'Show Log');
      if (choice === 'Sign In') await signIn(ctx, error.connection);
      if (choice === 'Show Log') ctx.log.show(true);
      return;
    }
    const choice = await ctx.notify.error(error instanceof Error ? error.message : String(error), 'Show Log');
    if (choice === 'Show Log') ctx.log.show(true);
  }
}

/** A tool without parameters is called at once; any other opens its form (one per server and tool). */
async function callInteractively(ctx: UseContext, connection: Connection, tool: Tool): Promise<void> {
  if (!hasParameters(tool)) {
    await ctx.calls.callTool(connection, tool.name, {}, { showImages: true });
    return;
  }
  const server = connection.name;
  FormPanel.open(ctx.extensionUri, {
    key: JSON.stringify([server, tool.name]),
    title: tool.title ?? tool.annotations?.title ?? tool.name,
    subtitle: `Tool of the MCP server "${server}"`,
    description: tool.description,
    schema: tool.inputSchema,
    values: ctx.lastArguments.get(server, tool.name),
    mode: 'tool',
    onSubmit: async (args) => {
      await ctx.lastArguments.remember(server, tool.name, tool.inputSchema, args);
      try {
        const shown = await ctx.calls.callTool(await ctx.calls.connected(server), tool.name, args, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, showImages: true });
        return { ok: true, message: shown.isError ? `Error result in ${shown.ms} ms` : `Done in ${shown.ms} ms` };
      } catch (error) {
        return { ok: false, message: error instanceof CancelledError ? 'Cancelled.' : error instanceof Error ? error.message : String(error) };
      }
    },
  });
}

function hasParameters(tool: Tool): boolean {
  const properties = tool.inputSchema?.properties;
  return typeof properties === 'object' && properties !== null && Object.keys(properties).length > 0;
}

/** The item of a tree node, or one picked from a server picked from all of them (connected first). */
async function pickItem<T>(ctx: UseContext, arg: ItemNode | undefined, list: ListName, title: string): Promise<{ connection: Connection; item: T } | undefined> {
  if (arg?.kind === 'item' && arg.list === list) return { connection: arg.connection, item: arg.item as T };
  const connection = await pickConnection(ctx, title);
  if (!connection || connection.state.kind !== 'connected') return undefined;
  const items = connection.state.catalog[list].items as unknown[];
  if (!items.length) {
    void ctx.notify.info(`The MCP server "${connection.name}" lists no ${list === 'tools' ? 'tools' : 'prompts'}.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    items.map((item) => {
      const view = itemView(list, item);
      return { label: view.label, description: view.label === view.key ? undefined : view.key, detail: view.description, item };
    }),
    { title: `${title} (${connection.name})`, matchOnDescription: true, matchOnDetail: true },
  );
  return picked && { connection, item: picked.item as T };
}

async function pickResource(ctx: UseContext, arg: ItemNode | undefined): Promise<{ connection: Connection; item: Resource | ResourceTemplate } | undefined> {
  if (arg?.kind === 'item' && (arg.list === 'resources' || arg.list === 'resourceTemplates')) return { connection: arg.connection, item: arg.item as Resource | ResourceTemplate };
  const connection = await pickConnection(ctx, 'Read which resource?');
  if (!connection || connection.state.kind !== 'connected') return undefined;
  const { resources, resourceTemplates } = connection.state.catalog;
  type Entry = vscode.QuickPickItem & { item?: Resource | ResourceTemplate };
  const entry = (list: ListName, item: Resource | ResourceTemplate): Entry => {
    const view = itemView(list, item);
    return { label: view.label, description: view.key, detail: view.description, item };
  };
  const entries: Entry[] = [
    ...resources.items.map((item) => entry('resources', item)),
    ...(resourceTemplates.items.length ? [{ label: 'Templates', kind: vscode.QuickPickItemKind.Separator } as Entry] : []),
    ...resourceTemplates.items.map((item) => entry('resourceTemplates', item)),
  ];
  if (!entries.length) {
    void ctx.notify.info(`The MCP server "${connection.name}" lists no resources.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(entries, { title: `Read which resource? (${connection.name})`, matchOnDescription: true, matchOnDetail: true });
  return picked?.item && { connection, item: picked.item };
}

async function pickConnection(ctx: UseContext, title: string): Promise<Connection | undefined> {
  const connection = await resolveServer(ctx, undefined, title, (c) => c.entry.config?.enabled !== false);
  if (!connection) return undefined;
  return ctx.calls.connected(connection.name);
}

/** Asks for a template's variables (with the server's completions) and expands it; undefined if the user gives up. */
async function expandTemplate(connection: Connection, template: ResourceTemplate): Promise<string | undefined> {
  const parsed = new UriTemplate(template.uriTemplate);
  const values = await askArguments(
    `Read Resource: ${template.name}`,
    parsed.variableNames.map((name) => ({ name, required: true })),
    completerFor(connection, { type: 'ref/resource', uri: template.uriTemplate }),
  );
  return values && parsed.expand(values);
}

function completerFor(connection: Connection, ref: { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string }): Completer | undefined {
  if (connection.state.kind !== 'connected' || !connection.state.capabilities.completions) return undefined;
  return async (name, value, answered) => {
    const result = await connection.complete({ ref, argument: { name, value }, context: { arguments: answered } });
    return result.completion.values;
  };
}
