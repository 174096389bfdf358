import * as vscode from 'vscode';
import type { ConnectionManager } from '../connections/connectionManager';
import { secretStorageKey } from '../config/headerValues';
import { HEADER_NAME, validateServer } from '../config/validate';
import { writeServer } from '../config/vscodeSettings';
import type { CommandContext } from './context';
import { Commands } from './ids';

/** Arguments that skip the prompts (automation and tests). */
export interface AddServerArgs {
  name: string;
  url: string;
  header?: { name: string; value: string; storeAsSecret?: boolean };
  target?: 'user' | 'workspace';
}

/** Guided input: name, URL, optional header; writes one entry to user or workspace settings. */
export function registerAddServer({ manager, secrets, notify }: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.addServer, async (args?: AddServerArgs) => {
    const input = args ?? (await askForServer(manager));
    if (!input) return;
    const headers: Record<string, string> = {};
    if (input.header) {
      if (input.header.storeAsSecret ?? true) {
        const key = `${input.name}.${input.header.name}`;
        await secrets.store(secretStorageKey(key), input.header.value);
        headers[input.header.name] = `\${secret:${key}}`;
      } else {
        headers[input.header.name] = input.header.value;
      }
    }
    const entry: Record<string, unknown> = { url: input.url };
    if (Object.keys(headers).length) entry.headers = headers;
    const problem = validateServer(input.name, entry, 'user').problem;
    if (problem) {
      void notify.error(`Cannot add MCP server "${input.name}": ${problem}`);
      return;
    }
    const target = input.target === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await writeServer(input.name, entry, target);
  });
}

async function askForServer(manager: ConnectionManager): Promise<AddServerArgs | undefined> {
  const taken = new Set(manager.all.map((c) => c.name.toLowerCase()));
  const name = await vscode.window.showInputBox({
    title: 'Add MCP Server (1/3)',
    prompt: 'A name for the server',
    placeHolder: 'docs-server',
    validateInput: (value) =>
      !value.trim() ? 'Enter a name.' : taken.has(value.trim().toLowerCase()) ? `A server named "${value.trim()}" already exists.` : undefined,
  });
  if (!name) return undefined;
  const url = await vscode.window.showInputBox({
    title: 'Add MCP Server (2/3)',
    prompt: "The server's MCP endpoint (Streamable HTTP or legacy SSE)",
    placeHolder: 'https://example.com/mcp',
    validateInput: (value) => validateServer('x', { url: value.trim() }, 'user').problem,
  });
  if (!url) return undefined;
  const headerLine = await vscode.window.showInputBox({
    title: 'Add MCP Server (3/3)',
    prompt: 'Optional header sent with every request, e.g. "Authorization: Bearer <token>". Leave empty for none.',
    placeHolder: 'Authorization: Bearer …',
    password: false,
    validateInput: (value) => (!value.trim() || isHeaderLine(value) ? undefined : 'Write it as "Name: value".'),
  });
  if (headerLine === undefined) return undefined;
  let header: AddServerArgs['header'];
  if (headerLine.trim()) {
    const colon = headerLine.indexOf(':');
    const storage = await vscode.window.showQuickPick(
      [
        { label: 'Store the value in Secret Storage', description: 'recommended: settings.json gets a ${secret:…} reference', secret: true },
        { label: 'Write the value into settings.json', secret: false },
      ],
      { title: 'Where should the header value live?' },
    );
    if (!storage) return undefined;
    header = { name: headerLine.slice(0, colon).trim(), value: headerLine.slice(colon + 1).trim(), storeAsSecret: storage.secret };
  }
  let target: AddServerArgs['target'] = 'user';
  if (vscode.workspace.workspaceFolders?.length) {
    const picked = await vscode.window.showQuickPick(
      [
        { label: 'User settings', description: 'available in every workspace', target: 'user' as const },
        { label: 'Workspace settings', description: 'only in this workspace', target: 'workspace' as const },
      ],
      { title: 'Save the server in…' },
    );
    if (!picked) return undefined;
    target = picked.target;
  }
  return { name: name.trim(), url: url.trim(), header, target };
}

function isHeaderLine(line: string): boolean {
  const colon = line.indexOf(':');
  return colon > 0 && HEADER_NAME.test(line.slice(0, colon).trim()) && line.slice(colon + 1).trim() !== '';
}
