import * as vscode from 'vscode';
import { ConnectCancelledError, Connection, ConnectionError } from '../connections/connection';
import { describeState } from '../connections/state';
import { targetOf, writeServer } from '../config/vscodeSettings';
import { signIn } from '../signIn/interactiveSignIn';
import type { CommandContext } from './context';
import { Commands } from './ids';

/** What a command receives: a server's node (menus pass the Connection), a server name (keybindings, scripts), or nothing (palette). */
export type ServerArgument = Connection | string | undefined;

export function registerServerCommands(ctx: CommandContext): vscode.Disposable[] {
  const { manager } = ctx;
  return [
    vscode.commands.registerCommand(Commands.connect, async (arg: ServerArgument) => {
      const connection = await resolveServer(ctx, arg, 'Connect which MCP server?', (c) => c.state.kind !== 'connected');
      if (connection) await userConnect(ctx, connection);
    }),
    vscode.commands.registerCommand(Commands.disconnect, async (arg: ServerArgument) => {
      const connection = await resolveServer(ctx, arg, 'Disconnect which MCP server?', (c) => c.state.kind !== 'disconnected');
      if (connection) await connection.disconnect();
    }),
    vscode.commands.registerCommand(Commands.reconnect, async (arg: ServerArgument) => {
      const connection = await resolveServer(ctx, arg, 'Reconnect which MCP server?', () => true);
      if (!connection) return;
      await connection.disconnect();
      await userConnect(ctx, connection);
    }),
    vscode.commands.registerCommand(Commands.connectAll, async () => {
      const { attempted, failed, needSignIn } = await manager.connectAll();
      if (failed.length) void ctx.notify.error(`Could not connect ${failed.length} of ${attempted.length} MCP servers: ${failed.map((c) => c.name).join(', ')}.`, 'Show Log');
      if (needSignIn.length === 1) void offerSignIn(ctx, needSignIn[0], 'needs you to sign in before it connects.');
      else if (needSignIn.length) void ctx.notify.warning(`${needSignIn.length} MCP servers need you to sign in before they connect: ${needSignIn.map((c) => c.name).join(', ')} — use Sign In on each.`);
    }),
    vscode.commands.registerCommand(Commands.disconnectAll, () => manager.disconnectAll()),
    vscode.commands.registerCommand(Commands.refresh, async () => {
      ctx.reloadSettings();
      await Promise.all(manager.all.map((c) => c.refreshLists().catch(() => undefined)));
    }),
    vscode.commands.registerCommand(Commands.removeServer, async (arg: ServerArgument, options?: { confirmed?: boolean }) => {
      const connection = await resolveServer(ctx, arg, 'Remove which MCP server from settings?', () => true);
      if (!connection) return;
      const target = targetOf(connection.name);
      if (target === undefined) return;
      const confirmed = options?.confirmed || (await ctx.notify.confirm(`Remove the MCP server "${connection.name}" from ${scopeName(target)}?`, 'Remove')) === 'Remove';
      if (confirmed) await writeServer(connection.name, undefined, target);
    }),
    vscode.commands.registerCommand(Commands.showLog, () => ctx.log.show(true)),
  ];
}

/** A connect the user asked for: a failure gets one notification with "Show Log" and "Retry". */
async function userConnect(ctx: CommandContext, connection: Connection): Promise<void> {
  try {
    await connection.connect();
  } catch (error) {
    if (error instanceof ConnectCancelledError) return;
    if (error instanceof ConnectionError && error.failure.kind === 'untrusted') {
      const answer = await ctx.notify.warning(`The MCP server "${connection.name}" is defined in workspace settings, and this workspace is not trusted.`, 'Manage Workspace Trust');
      if (answer) await vscode.commands.executeCommand('workbench.trust.manage');
      return;
    }
    if (error instanceof ConnectionError && error.failure.kind === 'sign-in-required') return offerSignIn(ctx, connection, `needs you to sign in: ${error.reason}`);
    const reason = error instanceof ConnectionError ? error.reason : describeState(connection.state);
    const choice = await ctx.notify.error(`Could not connect to MCP server "${connection.name}": ${reason}`, 'Show Log', 'Retry');
    if (choice === 'Show Log') ctx.log.show(true);
    if (choice === 'Retry') await userConnect(ctx, connection);
  }
}

/** A warning that says why the server waits for the user, with Sign In. */
async function offerSignIn(ctx: CommandContext, connection: Connection, why: string): Promise<void> {
  const answer = await ctx.notify.warning(`The MCP server "${connection.name}" ${why}`, 'Sign In');
  if (answer) await signIn(ctx, connection);
}

/** The server a command is for: the one given, or one the user picks among those `applies` to. */
export async function resolveServer(ctx: Pick<CommandContext, 'manager' | 'notify'>, arg: ServerArgument, title: string, applies: (c: Connection) => boolean): Promise<Connection | undefined> {
  if (typeof arg === 'string') return ctx.manager.get(arg);
  if (arg instanceof Connection) return ctx.manager.get(arg.name);
  const candidates = ctx.manager.all.filter(applies);
  if (candidates.length === 0) {
    void ctx.notify.info(ctx.manager.all.length ? 'No MCP server is in a state for that.' : 'No MCP servers are configured yet — run "MCP Connections: Add Server…".');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((connection) => ({ label: connection.name, description: describeState(connection.state), detail: connection.displayUrl, connection })),
    { title, placeHolder: 'Server' },
  );
  return picked?.connection;
}

function scopeName(target: vscode.ConfigurationTarget): string {
  return target === vscode.ConfigurationTarget.Global ? 'your user settings' : 'the workspace settings';
}
