import * as vscode from 'vscode';

/**
 * The system browser, through VS Code (which knows the remote and web cases). The URL is handed over as it is: in a
 * browser-served workbench VS Code itself rewrites loopback URLs to its port-forwarding route.
 */
export async function openInBrowser(url: URL): Promise<void> {
  const opened = await vscode.env.openExternal(vscode.Uri.parse(url.href, true));
  if (!opened) throw new Error('VS Code could not open the browser');
}
