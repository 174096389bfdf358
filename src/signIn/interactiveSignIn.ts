import { type Connection, ConnectionError } from '../connections/connection';
import type { CommandContext } from '../commands/context';

/**
 * The interactive sign-in: the browser opens on the authorization server, a notification says so (Cancel stops the
 * wait; the connection gives up by itself after 5 minutes), and the server connects once the browser comes back.
 */
export async function signIn(ctx: Pick<CommandContext, 'notify' | 'log'>, connection: Connection): Promise<void> {
  try {
    await ctx.notify.progress(
      `Signing in to ${connection.name}…`,
      (signal, report) => {
        report('Continue in your browser.');
        return connection.signIn({ signal });
      },
      0,
    );
  } catch (error) {
    if (error instanceof ConnectionError && error.failure.kind === 'sign-in-failed' && error.failure.failure === 'cancelled') return;
    const reason = error instanceof ConnectionError ? error.reason : String(error);
    const choice = await ctx.notify.error(`Could not sign in to MCP server "${connection.name}": ${reason}`, 'Show Log', 'Retry');
    if (choice === 'Show Log') ctx.log.show(true);
    if (choice === 'Retry') await signIn(ctx, connection);
  }
}
