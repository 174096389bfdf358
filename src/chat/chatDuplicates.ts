import * as vscode from 'vscode';
import type { ConnectionManager } from '../connections/connectionManager';
import { describeChatDuplicate, findChatDuplicates } from '../importing/chatDuplicates';
import { discoverImports, nodeImportFs } from '../importing/discover';
import type { ImportLocations } from '../importing/sources';
import type { ServerNotes } from '../views/presentation';
import { CHAT_MODE_SETTING, chatMode, offeredToChat } from './chatBridge';

/** One recomputation for a burst of changes (a save touches a file and settings at once). */
const RECHECK_DEBOUNCE_MS = 300;

/**
 * Which of our servers VS Code's own `mcp.json` (the user profile's, or a folder's `.vscode/mcp.json`)
 * also has, by URL: while both are offered to chat, chat lists their tools twice. Kept current as
 * those files, the settings, the servers and the chat mode change; each finding is logged once.
 */
export class ChatDuplicates implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private found = new Map<string, string>();
  private readonly logged = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  /** The servers offered to chat when last looked at, to tell whether that changed. */
  private oursSeen = '';

  constructor(
    private readonly manager: ConnectionManager,
    private readonly locations: () => ImportLocations,
    private readonly log: (text: string) => void,
  ) {
    const recheck = () => this.recheckSoon();
    const watchers = [vscode.workspace.createFileSystemWatcher('**/.vscode/mcp.json')];
    const userDir = locations().vscodeUserDir;
    if (userDir) watchers.push(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(userDir), 'mcp.json')));
    for (const watcher of watchers) this.subscriptions.push(watcher, watcher.onDidCreate(recheck), watcher.onDidChange(recheck), watcher.onDidDelete(recheck));
    this.subscriptions.push(
      manager.onDidAdd(recheck),
      manager.onDidRemove(recheck),
      // A server's state changes often; only its URL or whether it is offered to chat matters here.
      manager.onDidChange(() => this.oursChanged() && recheck()),
      vscode.workspace.onDidChangeConfiguration((event) => (event.affectsConfiguration('mcpConnections') || event.affectsConfiguration(CHAT_MODE_SETTING)) && recheck()),
      vscode.workspace.onDidChangeWorkspaceFolders(recheck),
      vscode.workspace.onDidGrantWorkspaceTrust(recheck),
    );
    recheck();
  }

  /** For the tree: why this server's tools would show twice in chat, if they would. */
  notesFor(name: string): ServerNotes {
    return { duplicateInChat: this.found.get(name) };
  }

  private ours(): Array<{ name: string; url: string }> {
    const offered = chatMode() === 'off' ? [] : this.manager.all.filter(offeredToChat);
    return offered.map((connection) => ({ name: connection.name, url: connection.entry.config!.endpoint.configured }));
  }

  private oursChanged(): boolean {
    const seen = JSON.stringify(this.ours());
    if (seen === this.oursSeen) return false;
    this.oursSeen = seen;
    return true;
  }

  private recheckSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.recheck(), RECHECK_DEBOUNCE_MS);
  }

  private async recheck(): Promise<void> {
    const generation = ++this.generation;
    const ours = this.ours();
    this.oursSeen = JSON.stringify(ours);
    const discovery = ours.length ? await discoverImports(nodeImportFs(), this.locations(), ['vscode']) : { candidates: [] };
    if (generation !== this.generation) return; // a newer check is under way
    const found = new Map([...findChatDuplicates(discovery.candidates, ours)].map(([name, duplicate]) => [name, describeChatDuplicate(duplicate)]));
    for (const [name, text] of found) {
      if (this.logged.get(name) === text) continue;
      this.logged.set(name, text);
      this.log(`[${name}] also in ${text}; set "exposeToChat": false here or remove it there`);
    }
    for (const name of [...this.logged.keys()]) if (!found.has(name)) this.logged.delete(name);
    const before = JSON.stringify([...this.found]);
    this.found = found;
    if (JSON.stringify([...found]) !== before) this.changed.fire();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.generation++;
    this.subscriptions.forEach((s) => s.dispose());
    this.changed.dispose();
  }
}
