import * as vscode from 'vscode';
import { type Connection, ConnectionError } from '../connections/connection';
import { signIn } from '../signIn/interactiveSignIn';
import type { CommandContext } from './context';
import { Commands } from './ids';
import { resolveServer, ServerArgument } from './serverCommands';

/** "Sign In" and "Sign Out" for servers that use OAuth (from the tree, the palette, or scripts with a server name). */
export function registerSignInCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.signIn, async (arg: ServerArgument) => {
      const connection = await resolveServer(ctx, arg, 'Sign in to which MCP server?', (c) => c.usesOAuth);
      if (connection) await signIn(ctx, connection);
    }),
    vscode.commands.registerCommand(Commands.signOut, async (arg: ServerArgument, options?: { forgetClient?: boolean }) => {
      const connection = await resolveServer(ctx, arg, 'Sign out of which MCP server?', (c) => c.usesOAuth);
      if (!connection) return;
      const forgetClient = options ? options.forgetClient === true : await askForgetClient(ctx, connection);
      if (forgetClient === undefined) return;
      try {
        await connection.signOut({ forgetClient });
      } catch (error) {
        // e.g. the client secret the sign-in needs cannot be read: nothing was forgotten, and the user must know.
        const reason = error instanceof ConnectionError ? error.reason : String(error);
        // Not awaited: a script's call ends with the failure, not when the notification is closed.
        void ctx.notify.error(`Could not sign out of MCP server "${connection.name}": ${reason}`, 'Show Log').then((choice) => choice && ctx.log.show(true));
      }
    }),
  ];
}

/** undefined: the user changed their mind. */
async function askForgetClient(ctx: Pick<CommandContext, 'notify'>, connection: Connection): Promise<boolean | undefined> {
  const signOut = 'Sign Out';
  const forget = 'Sign Out and Forget Client';
  const choice = await ctx.notify.ask(
    `Sign out of the MCP server "${connection.name}"?`,
    'Its tokens are deleted. Forgetting the client also deletes the client registered with its authorization server, so the next sign-in registers again.',
    signOut,
    forget,
  );
  return choice === undefined ? undefined : choice === forget;
}
