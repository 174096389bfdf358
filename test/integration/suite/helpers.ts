import { appendFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { TestApi as ExtensionApi } from '../../../src/testApi';
import { waitFor } from '../../support/wait';

export const EXTENSION_ID = 'mcp-connections.mcp-connections';

export async function extensionApi(): Promise<ExtensionApi> {
  const extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  if (!extension) throw new Error(`Extension ${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

/** Replaces the user-level servers setting, as a user editing settings.json would. */
export async function setServers(servers: Record<string, unknown>): Promise<void> {
  await vscode.workspace.getConfiguration('mcpConnections').update('servers', servers, vscode.ConfigurationTarget.Global);
}

export function userServers(): Record<string, unknown> | undefined {
  return vscode.workspace.getConfiguration('mcpConnections').inspect<Record<string, unknown>>('servers')?.globalValue;
}

/** Waits until the tree shows exactly these descriptions for these servers (other servers ignored). */
export async function waitForDescriptions(api: ExtensionApi, expected: Record<string, string | RegExp>, timeoutMs = 20_000) {
  let last = '';
  try {
    return await waitFor(
      () => {
        const nodes = api.treeSnapshot();
        last = JSON.stringify(nodes.map((n) => [n.label, n.description]));
        return Object.entries(expected).every(([name, want]) => {
          const description = nodes.find((n) => n.label === name)?.description ?? '';
          return typeof want === 'string' ? description === want : want.test(description);
        })
          ? nodes
          : undefined;
      },
      `tree descriptions ${JSON.stringify(expected, (_, v) => (v instanceof RegExp ? String(v) : v))}`,
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; the tree showed ${last}`);
  }
}

export function node(api: ExtensionApi, name: string) {
  const found = api.treeSnapshot().find((n) => n.label === name);
  if (!found) throw new Error(`No tree node "${name}"`);
  return found;
}

/** A secret the test uses: after the suite, the launcher checks that VS Code stored it nowhere (storageCanaries.mjs). */
export function recordCanary(secret: string): string {
  const file = process.env.MCP_TEST_CANARIES;
  if (file) appendFileSync(file, `${secret}\n`);
  return secret;
}
