import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { FOCUS_VIEW, VIEW_ID } from './commands/ids';
import { createHeaderSource, secretStorageKey } from './config/headerValues';
import { configuredServers, readSettings, watchSettings } from './config/vscodeSettings';
import { ConnectionManager } from './connections/connectionManager';
import { createRecorder, createTestApi, TestApi } from './testApi';
import { createLog } from './views/logChannel';
import { createNotifier } from './views/notifications';
import { ServersTreeProvider } from './views/serversTree';
import { createStatusBar } from './views/statusBar';
import { ChatBridge, chatMode, offeredToChat } from './chat/chatBridge';
import { ChatDuplicates } from './chat/chatDuplicates';
import { ChatProxy } from './chat/chatProxy';
import { importLocations, vscodeUserDir } from './config/importLocations';
import { watchImportable } from './views/importable';
import type { Connection } from './connections/connection';
import { LastArguments } from './form/lastArguments';
import { Calls } from './use/calls';
import { DOCUMENT_SCHEME, McpDocuments } from './use/documents';
import { createElicitor } from './use/elicitation';
import { workspaceRoots } from './use/roots';
import { DocumentShower } from './use/showDocument';
import { ResourceSubscriptions } from './use/subscriptions';
import { registerUseCommands } from './use/useCommands';
import { askForClient } from './signIn/askForClient';
import { openInBrowser } from './signIn/openInBrowser';
import { secretAuthStore } from './signIn/secretAuthStore';

let manager: ConnectionManager | undefined;

export function activate(context: vscode.ExtensionContext): TestApi {
  const started = performance.now();
  const recorder = createRecorder();
  const { channel, logger: channelLogger } = createLog();
  const logger = recorder.logger(channelLogger);
  context.subscriptions.push(channel);
  const notify = createNotifier(recorder.notified, recorder.progressShown);
  const roots = workspaceRoots();
  context.subscriptions.push(roots);

  const headers = createHeaderSource((name) => Promise.resolve(context.secrets.get(secretStorageKey(name))));
  const connections = new ConnectionManager({
    logger,
    clientInfo: { name: 'mcp-connections-vscode', version: context.extension.packageJSON.version },
    headers,
    workspaceTrusted: vscode.workspace.isTrusted,
    elicit: createElicitor({ extensionUri: context.extensionUri, notify, onQuestion: recorder.questionAsked }),
    roots,
    // Sign-in: tokens and registered clients in Secret Storage; only Sign In (never a connect) opens the browser.
    authStore: secretAuthStore(context.secrets),
    openBrowser: openInBrowser,
    askForClient,
  });
  manager = connections;
  const userDir = vscodeUserDir(context.globalStorageUri);
  const locations = () => importLocations(userDir);
  // A server also in VS Code's own mcp.json would list its tools twice in chat: the tree says so.
  const duplicates = new ChatDuplicates(connections, locations, (text) => logger.info(text));
  const tree = new ServersTreeProvider(connections, duplicates);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(duplicates, tree, view, createStatusBar(connections, FOCUS_VIEW), watchImportable(locations, () => Object.keys(configuredServers()).length === 0, recorder.importableSet));

  // The use side: results, resources and prompts open as read-only documents of our own scheme.
  const documents: McpDocuments = new McpDocuments((resource) => calls.reread(resource.server, resource.uri));
  const shower = new DocumentShower(documents, (text) => logger.info(text));
  const calls: Calls = new Calls(connections, documents, shower, notify);
  context.subscriptions.push(
    documents,
    shower,
    vscode.workspace.registerFileSystemProvider(DOCUMENT_SCHEME, documents, { isReadonly: true, isCaseSensitive: true }),
    new ResourceSubscriptions(connections, documents, calls),
  );

  // Chat: the servers offered to VS Code chat, through our proxy by default.
  const proxy = new ChatProxy({ offered: (name) => offeredInProxyMode(connections.get(name)), note: (text) => logger.info(text) });
  const bridge = new ChatBridge(connections, proxy, headers, (text) => logger.info(text));
  context.subscriptions.push(bridge, bridge.register());

  const applySettings = () => {
    const { entries, settings, problems } = readSettings();
    void connections.apply(entries, settings, problems);
  };
  const commandContext = { manager: connections, log: channel, logger, secrets: context.secrets, notify, reloadSettings: applySettings, importLocations: locations };
  context.subscriptions.push(
    ...registerCommands(commandContext),
    ...registerUseCommands({ ...commandContext, calls, lastArguments: new LastArguments(context.globalState), extensionUri: context.extensionUri }),
    watchSettings(applySettings),
    vscode.workspace.onDidGrantWorkspaceTrust(() => connections.setWorkspaceTrusted(true)),
  );

  // Connecting starts after activation returns: no network work on the activation path.
  setImmediate(applySettings);
  const activationMs = performance.now() - started;
  logger.info(`Activated in ${activationMs.toFixed(1)} ms`);
  return createTestApi(recorder, { activationMs, manager: connections, tree, logUri: context.logUri, vscodeUserDir: userDir });
}

function offeredInProxyMode(connection: Connection | undefined): Connection | undefined {
  return connection && offeredToChat(connection) && chatMode() === 'proxy' ? connection : undefined;
}

export async function deactivate(): Promise<void> {
  await manager?.dispose();
  manager = undefined;
}
