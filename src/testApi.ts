import * as vscode from 'vscode';
import type { Logger } from './common/logger';
import type { ConnectionManager } from './connections/connectionManager';
import type { OpenQuestion } from './use/elicitation';
import type { ShownProgress } from './views/notifications';
import type { ServersTreeProvider, TreeNode } from './views/serversTree';

const KEPT_LINES = 2000;

export interface NodeSnapshot {
  label: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  icon?: string;
  children: NodeSnapshot[];
}

/** Keeps what the user was shown — output channel lines, notifications — for the integration tests. */
export function createRecorder() {
  const lines: string[] = [];
  const notifications: { level: string; message: string; actions: string[] }[] = [];
  const progress: ShownProgress[] = [];
  let question: OpenQuestion | undefined;
  let importable: boolean | undefined;
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
  };
  return {
    lines,
    notifications,
    /** The logger that also keeps every line at info level and above. */
    logger: (logger: Logger): Logger => ({
      ...logger,
      info: (m) => (keep(`[info] ${m}`), logger.info(m)),
      warn: (m) => (keep(`[warning] ${m}`), logger.warn(m)),
      error: (m) => (keep(`[error] ${m}`), logger.error(m)),
    }),
    notified: (level: string, message: string, actions: string[]) => void notifications.push({ level, message, actions }),
    progressShown: (shown: ShownProgress) => void progress.push(shown),
    questionAsked: (asked: OpenQuestion | undefined) => void (question = asked),
    importableSet: (value: boolean) => void (importable = value),
    importable: () => importable,
    progress,
    question: () => question,
  };
}

/**
 * What the extension hands its integration tests (the value `activate` returns): what the user
 * would see — the output channel's lines, the notifications, the tree as its provider draws it.
 */
export function createTestApi(recorder: ReturnType<typeof createRecorder>, options: { activationMs: number; manager: ConnectionManager; tree: ServersTreeProvider; logUri: vscode.Uri; vscodeUserDir: string | undefined }) {
  return {
    activationMs: options.activationMs,
    manager: options.manager,
    /** The lines written to the output channel at info level and above. */
    logLines: () => [...recorder.lines],
    /** Every notification shown (errors, warnings, information), in order. */
    notifications: () => [...recorder.notifications],
    /** The error notifications' messages, in order. */
    errorsShown: () => recorder.notifications.filter((n) => n.level === 'error').map((n) => n.message),
    /** The progress notifications shown (title, messages), each with the Cancel its button triggers. */
    progressShown: () => [...recorder.progress],
    /** The question a server's elicitation is asking right now in a quick input, if any: tests answer it there. */
    openQuestion: () => recorder.question(),
    /** Where this extension's logs go; the output channel's file is under the same logs folder. */
    logUri: options.logUri,
    /** The value last given to the `mcpConnections.importable` context key (the welcome view's "Import Servers…"). */
    importable: () => recorder.importable(),
    /** The VS Code profile's User folder the extension found (its settings.json and mcp.json are there). */
    vscodeUserDir: options.vscodeUserDir,
    /** What the tree shows, read from the TreeItems its provider makes. */
    treeSnapshot: () => snapshot(options.tree),
  };
}

export type TestApi = ReturnType<typeof createTestApi>;

function snapshot(tree: ServersTreeProvider): NodeSnapshot[] {
  const walk = (node: TreeNode): NodeSnapshot => {
    const item = tree.getTreeItem(node);
    return {
      label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
      description: typeof item.description === 'string' ? item.description : undefined,
      tooltip: item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip,
      contextValue: item.contextValue,
      icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined,
      children: tree.getChildren(node).map(walk),
    };
  };
  return tree.getChildren().map(walk);
}
