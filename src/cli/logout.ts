import { defaultAuthHome } from '../auth/fileStore';
import type { LogoutCommand } from './args';
import { cliConnection } from './run';

export interface LogoutOutcome {
  ok: boolean;
  /** What was done, for the user. */
  message: string;
}

/** `logout <url>`: forgets the tokens stored for the server (its registered client stays, so the next sign-in reuses it). */
export async function runLogout(command: LogoutCommand): Promise<LogoutOutcome> {
  const home = defaultAuthHome();
  const url = command.entry.config.endpoint.displayUrl;
  const connection = cliConnection(command.entry);
  try {
    const status = await connection.authStatus();
    await connection.signOut();
    return {
      ok: true,
      message: status ? `Signed out of ${url}: its tokens from ${status.issuer} are forgotten (in ${home}).` : `No sign-in to ${url} is stored (in ${home}): nothing to forget.`,
    };
  } catch (error) {
    return { ok: false, message: `mcp-connections: could not forget the sign-in to ${url}: ${(error as Error).message}` };
  } finally {
    await connection.dispose();
  }
}
