import { FileAuthStore, defaultAuthHome } from '../auth/fileStore';
import { OAuthSession } from '../auth/oauthSession';
import type { LogoutCommand } from './args';

export interface LogoutOutcome {
  ok: boolean;
  /** What was done, for the user. */
  message: string;
}

/** `logout <url>`: forgets the tokens stored for the server (its registered client stays, so the next sign-in reuses it). */
export async function runLogout(command: LogoutCommand): Promise<LogoutOutcome> {
  const home = defaultAuthHome();
  const { endpoint } = command.entry.config;
  const session = new OAuthSession({ server: command.entry.name, resourceUrl: new URL(endpoint.requestUrl), settings: {}, store: new FileAuthStore(home) });
  try {
    const status = await session.status();
    await session.signOut();
    return {
      ok: true,
      message: status
        ? `Signed out of ${endpoint.displayUrl}: its tokens from ${status.issuer} are forgotten (in ${home}).`
        : `No sign-in to ${endpoint.displayUrl} is stored (in ${home}): nothing to forget.`,
    };
  } catch (error) {
    return { ok: false, message: `mcp-connections: could not forget the sign-in to ${endpoint.displayUrl}: ${(error as Error).message}` };
  }
}
