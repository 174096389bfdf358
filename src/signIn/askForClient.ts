import * as vscode from 'vscode';
import type { InteractiveSignIn } from '../auth/types';

type AskForClient = NonNullable<InteractiveSignIn['askForClient']>;

/**
 * When the authorization server registers no clients by itself: the user registers one there (the redirect URI is
 * shown, to copy) and enters its client ID and, for a confidential client, its secret.
 */
export const askForClient: AskForClient = async ({ redirectUri, issuer }) => {
  const host = hostOf(issuer);
  const clientId = await vscode.window.showInputBox({
    title: `Sign in with ${host}: client ID`,
    prompt: `${host} does not register clients automatically. Register an OAuth client there with the redirect URI ${redirectUri}, then enter its client ID.`,
    placeHolder: 'Client ID',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : 'Enter the client ID, or press Escape to cancel.'),
  });
  if (!clientId) return undefined;
  const clientSecret = await vscode.window.showInputBox({
    title: `Sign in with ${host}: client secret`,
    prompt: 'The client secret, if the client has one (leave empty for a public client). It is kept in Secret Storage.',
    password: true,
    ignoreFocusOut: true,
  });
  if (clientSecret === undefined) return undefined;
  return { clientId: clientId.trim(), clientSecret: clientSecret || undefined };
};

function hostOf(issuer: string): string {
  try {
    return new URL(issuer).host;
  } catch {
    return 'The authorization server';
  }
}
