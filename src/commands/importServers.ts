import * as vscode from 'vscode';
import { quickPickText } from '../common/text';
import { secretStorageKey } from '../config/headerValues';
import { addServers, configuredServers } from '../config/vscodeSettings';
import { discoverImports, nodeImportFs, type Discovery } from '../importing/discover';
import { planImport, type ImportPlan, type PlannedServer } from '../importing/plan';
import { looksLikePlaceholder } from '../importing/secretLike';
import { previewGroups, summarise, type PreviewRow } from '../importing/preview';
import type { CommandContext } from './context';
import { Commands } from './ids';

/** Arguments that skip the prompts (automation and tests). */
export interface ImportServersArgs {
  target: 'user' | 'workspace';
  /** The servers to import, by the name they would get (or have in their file); default: all that would be added. */
  select?: string[];
}

/**
 * "Import Servers…": reads the remote servers of other MCP clients' config files, previews what would be
 * added, renamed and skipped, and writes the chosen ones to user or workspace settings, with literal
 * secret-looking header values moved to Secret Storage.
 */
export function registerImportServers(ctx: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.importServers, async (args?: ImportServersArgs) => {
    const discovery = await discoverImports(nodeImportFs(), ctx.importLocations());
    for (const problem of discovery.problems) ctx.logger.warn(`Import: ${problem}`);
    const plan = planImport(discovery.candidates, { existing: configuredServers() });
    for (const skipped of plan.skipped) ctx.logger.info(`Import: "${skipped.name}" in ${skipped.source.label} is skipped — ${skipped.reason}`);
    const importable = plan.servers.filter((server) => server.status !== 'same');
    if (!importable.length) {
      void ctx.notify.info(nothingToImport(discovery, plan));
      return;
    }
    const chosen = args ? importable.filter((server) => !args.select || args.select.includes(server.name) || args.select.includes(server.originalName)) : await preview(plan);
    if (!chosen?.length) return;
    const target = args?.target ?? (await askTarget());
    if (!target) return;
    if (target === 'workspace' && !workspaceWritable()) {
      void ctx.notify.error('Cannot import into workspace settings: no folder is open, or the workspace is not trusted.');
      return;
    }

    // Secrets first: an entry written before its secret would connect without it.
    for (const secret of chosen.flatMap((server) => server.secrets)) await ctx.secrets.store(secretStorageKey(secret.key), secret.value);
    const added = new Set(await addServers(Object.fromEntries(chosen.map((server) => [server.name, server.entry])), target === 'user' ? vscode.ConfigurationTarget.Global : vscode.ConfigurationTarget.Workspace));
    const imported = chosen.filter((server) => added.has(server.name));
    for (const server of imported) ctx.logger.info(`[${server.name}] imported from ${server.source.label}${server.notes.length ? `: ${server.notes.join(' ')}` : ''}`);
    const message = summarise({
      added: imported.length,
      secretsMoved: imported.reduce((n, server) => n + server.secrets.length, 0),
      // A name taken since the preview is skipped too: what the user configured is never replaced.
      skipped: plan.skipped.length + (chosen.length - imported.length),
      needValues: [...new Set(imported.flatMap((server) => [...server.unsetSecrets, ...placeholderKeys(server)]))],
      target,
    });
    // Not awaited: the command is done when the settings are written, not when the notification is closed.
    void ctx.notify.info(message, 'Open Settings').then((action) => action && vscode.commands.executeCommand(target === 'user' ? 'workbench.action.openSettingsJson' : 'workbench.action.openWorkspaceSettingsFile'));
  });
}

type PreviewItem = vscode.QuickPickItem & { row?: PreviewRow };

/** The preview: a multi-select list, one section per file; rows that cannot be chosen stay unchecked. */
function preview(plan: ImportPlan): Promise<PlannedServer[] | undefined> {
  const items: PreviewItem[] = [];
  for (const group of previewGroups(plan)) {
    items.push({ kind: vscode.QuickPickItemKind.Separator, label: quickPickText(group.source.label) });
    for (const row of group.rows) {
      const icon = row.kind === 'add' ? '' : row.kind === 'same' ? '$(check) ' : '$(circle-slash) ';
      items.push({ label: `${icon}${quickPickText(row.name)}`, description: quickPickText(row.description), detail: quickPickText(row.detail) || undefined, picked: row.kind === 'add', row });
    }
  }
  const pick = vscode.window.createQuickPick<PreviewItem>();
  pick.title = 'Import MCP Servers';
  pick.placeholder = 'Checked servers are added to settings; the others are already there or cannot be imported';
  pick.canSelectMany = true;
  pick.matchOnDescription = true;
  pick.ignoreFocusOut = true;
  pick.items = items;
  pick.selectedItems = items.filter((item) => item.row?.kind === 'add');
  return new Promise((resolve) => {
    let accepted = false;
    pick.onDidChangeSelection((selected) => {
      // Only servers to add can be checked; a click on an informative row is undone.
      if (selected.some((item) => item.row?.kind !== 'add')) pick.selectedItems = selected.filter((item) => item.row?.kind === 'add');
    });
    pick.onDidAccept(() => {
      accepted = true;
      resolve(pick.selectedItems.flatMap((item) => (item.row?.kind === 'add' ? [item.row.server] : [])));
      pick.dispose();
    });
    pick.onDidHide(() => {
      if (!accepted) resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}

async function askTarget(): Promise<ImportServersArgs['target'] | undefined> {
  if (!workspaceWritable()) return 'user';
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'User settings', description: 'available in every workspace', target: 'user' as const },
      { label: 'Workspace settings', description: 'only in this workspace', target: 'workspace' as const },
    ],
    { title: 'Import the servers into…' },
  );
  return picked?.target;
}

function workspaceWritable(): boolean {
  return !!vscode.workspace.workspaceFolders?.length && vscode.workspace.isTrusted;
}

/** Keys whose stored value is a placeholder (`<your-token>`), which the user still has to replace. */
function placeholderKeys(server: PlannedServer): string[] {
  return server.secrets.filter((secret) => looksLikePlaceholder(secret.value)).map((secret) => secret.key);
}

function nothingToImport(discovery: Discovery, plan: ImportPlan): string {
  const configured = plan.servers.length;
  if (configured) return `Nothing to import: the ${configured === 1 ? 'remote MCP server found is' : `${configured} remote MCP servers found are`} already configured.`;
  const skipped = plan.skipped.length;
  const why = skipped ? ` (${skipped === 1 ? 'the 1 entry' : `the ${skipped} entries`} found cannot be imported — the log says why)` : '';
  const none = discovery.sources.some((source) => source.found) ? '' : ' None of them exist.';
  return `No remote MCP servers to import${why}. Looked at ${[...new Set(discovery.sources.map((source) => source.path))].join(', ')}.${none}`;
}
