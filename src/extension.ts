import * as vscode from 'vscode';
import type { Connection } from './connections/connection';
import { ConnectionManager } from './connections/connectionManager';
import { referencesSecret, resolveHeaderValues } from './config/headerValues';
import type { ServerEntry } from './config/serverConfig';
import { SECTION, readSettings } from './config/vscodeSettings';
import { registerAddServer } from './commands/addServer';
import { Commands, FOCUS_VIEW, VIEW_ID } from './commands/ids';
import { registerSecretCommands, secretKey } from './commands/secrets';
import { registerServerCommands } from './commands/serverCommands';
import { createLog } from './views/logChannel';
import { presentServer } from './views/presentation';
import { ServersTreeProvider, TreeNode } from './views/serversTree';
import { createStatusBar } from './views/statusBar';

const SETTINGS_DEBOUNCE_MS = 250;

let manager: ConnectionManager | undefined;

export function activate(context: vscode.ExtensionContext) {
  const started = performance.now();
  const { channel, logger, recent } = createLog();
  context.subscriptions.push(channel);

  const trusted = () => vscode.workspace.isTrusted;
  const blockedByTrust = (entry: ServerEntry) => entry.scope === 'workspace' && !trusted();
  manager = new ConnectionManager({
    logger,
    clientInfo: { name: 'mcp-connections-vscode', version: context.extension.packageJSON.version },
    resolveHeaders: (headers) => resolveHeaderValues(headers, (name) => Promise.resolve(context.secrets.get(secretKey(name)))),
    mayAutoConnect: (entry) => !blockedByTrust(entry),
  });
  const connections = manager;

  const errorsShown: string[] = [];
  const isBlockedByTrust = (connection: Connection) => blockedByTrust(connection.entry);
  const tree = new ServersTreeProvider(connections, isBlockedByTrust);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(tree, view, createStatusBar(connections, FOCUS_VIEW));

  const applySettings = () => {
    const { entries, settings } = readSettings();
    logProblems(entries);
    void connections.apply(entries, settings);
  };
  const logged = new Map<string, string>();
  const logProblems = (entries: ServerEntry[]) => {
    for (const entry of entries) {
      const text = [entry.problem, ...entry.warnings].filter(Boolean).join(' ');
      if (text && logged.get(entry.name) !== text) {
        (entry.problem ? logger.warn : logger.info)(`[${entry.name}] Settings: ${text}`);
      }
      logged.set(entry.name, text);
    }
  };

  context.subscriptions.push(
    ...registerServerCommands({
      manager: connections,
      log: channel,
      isBlockedByTrust,
      reloadSettings: applySettings,
      showError: (message, ...actions) => {
        errorsShown.push(message);
        return vscode.window.showErrorMessage(message, ...actions);
      },
    }),
    registerAddServer(connections, context.secrets),
    // Values are read per request; a reconnect also renews the GET stream and retries a server that
    // failed for want of the secret. Only servers that use it, and that are wanted, are touched.
    ...registerSecretCommands(context.secrets, (name) => {
      for (const c of connections.all) {
        if (c.isWanted && referencesSecret(c.entry.config?.headers ?? {}, name)) void c.reconnect().catch(() => undefined);
      }
    }),
    onSettingsChanged(applySettings),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      logger.info('Workspace trusted — connecting the servers it defines');
      tree.refresh();
      for (const c of connections.all) if (c.entry.scope === 'workspace' && c.entry.config?.enabled && c.entry.config.autoConnect) void c.connect().catch(() => undefined);
    }),
  );

  // Connecting starts after activation returns: no network work on the activation path.
  setImmediate(applySettings);
  const activationMs = performance.now() - started;
  logger.info(`Activated in ${activationMs.toFixed(1)} ms`);

  return {
    activationMs,
    manager: connections,
    /** The lines written to the output channel at info level and above. */
    logLines: recent,
    errorsShown: () => [...errorsShown],
    /** Where this extension's logs go; the output channel's file is under the same logs folder. */
    logUri: context.logUri,
    /** What the tree shows, read through the real tree provider. */
    treeSnapshot: () => snapshot(tree, isBlockedByTrust),
  };
}

export async function deactivate(): Promise<void> {
  await manager?.dispose();
  manager = undefined;
}

function onSettingsChanged(apply: () => void): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  const subscription = vscode.workspace.onDidChangeConfiguration((event) => {
    if (!event.affectsConfiguration(SECTION)) return;
    clearTimeout(timer);
    timer = setTimeout(apply, SETTINGS_DEBOUNCE_MS); // one apply for a burst of edits
  });
  return { dispose: () => (clearTimeout(timer), subscription.dispose()) };
}

interface NodeSnapshot {
  label: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  icon?: string;
  children: NodeSnapshot[];
}

function snapshot(tree: ServersTreeProvider, isBlockedByTrust: (c: Connection) => boolean): NodeSnapshot[] {
  const walk = (node: TreeNode): NodeSnapshot => {
    const item = tree.getTreeItem(node);
    const tooltip = node.kind === 'server' ? presentServer(node.connection, { blockedByTrust: isBlockedByTrust(node.connection) }).tooltip : undefined;
    return {
      label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
      description: typeof item.description === 'string' ? item.description : undefined,
      tooltip,
      contextValue: item.contextValue,
      icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined,
      children: tree.getChildren(node).map(walk),
    };
  };
  return tree.getChildren().map(walk);
}

export type ExtensionApi = ReturnType<typeof activate>;
export { Commands };
