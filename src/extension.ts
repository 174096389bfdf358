import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { FOCUS_VIEW, VIEW_ID } from './commands/ids';
import { createHeaderSource, secretStorageKey } from './config/headerValues';
import { readSettings, watchSettings } from './config/vscodeSettings';
import { ConnectionManager } from './connections/connectionManager';
import { createRecorder, createTestApi, TestApi } from './testApi';
import { createLog } from './views/logChannel';
import { createNotifier } from './views/notifications';
import { ServersTreeProvider } from './views/serversTree';
import { createStatusBar } from './views/statusBar';

let manager: ConnectionManager | undefined;

export function activate(context: vscode.ExtensionContext): TestApi {
  const started = performance.now();
  const recorder = createRecorder();
  const { channel, logger: channelLogger } = createLog();
  const logger = recorder.logger(channelLogger);
  context.subscriptions.push(channel);

  const connections = new ConnectionManager({
    logger,
    clientInfo: { name: 'mcp-connections-vscode', version: context.extension.packageJSON.version },
    headers: createHeaderSource((name) => Promise.resolve(context.secrets.get(secretStorageKey(name)))),
    workspaceTrusted: vscode.workspace.isTrusted,
  });
  manager = connections;
  const tree = new ServersTreeProvider(connections);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(tree, view, createStatusBar(connections, FOCUS_VIEW));

  const applySettings = () => {
    const { entries, settings, problems } = readSettings();
    void connections.apply(entries, settings, problems);
  };
  context.subscriptions.push(
    ...registerCommands({ manager: connections, log: channel, secrets: context.secrets, notify: createNotifier(recorder.notified), reloadSettings: applySettings }),
    watchSettings(applySettings),
    vscode.workspace.onDidGrantWorkspaceTrust(() => connections.setWorkspaceTrusted(true)),
  );

  // Connecting starts after activation returns: no network work on the activation path.
  setImmediate(applySettings);
  const activationMs = performance.now() - started;
  logger.info(`Activated in ${activationMs.toFixed(1)} ms`);
  return createTestApi(recorder, { activationMs, manager: connections, tree, logUri: context.logUri });
}

export async function deactivate(): Promise<void> {
  await manager?.dispose();
  manager = undefined;
}
