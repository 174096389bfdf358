import type * as vscode from 'vscode';
import type { AuthStore } from '../auth/types';

/** Where OAuth tokens and registered clients live in Secret Storage: apart from the `${secret:…}` header values. */
export const AUTH_SECRET_PREFIX = 'mcpConnections.oauth/';

/** The extension's `AuthStore`: VS Code Secret Storage (the OS keychain on the desktop), never settings or plain storage. */
export function secretAuthStore(secrets: vscode.SecretStorage): AuthStore {
  return {
    get: async (key) => secrets.get(AUTH_SECRET_PREFIX + key),
    set: async (key, value) => secrets.store(AUTH_SECRET_PREFIX + key, value),
    delete: async (key) => secrets.delete(AUTH_SECRET_PREFIX + key),
  };
}
