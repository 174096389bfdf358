import * as vscode from 'vscode';
import { Commands } from '../commands/ids';
import { DOCUMENT_SCHEME, McpDocuments } from './documents';
import type { RenderedLink } from './render';

/** Link targets that open nothing but a page (after VS Code's own confirmation) or one of our documents. */
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', DOCUMENT_SCHEME]);

/**
 * The built-in extensions whose link providers read a language: activated before links are looked
 * at, so none of them registers its provider after the check.
 */
const LINKING_EXTENSIONS: Record<string, string> = {
  markdown: 'vscode.markdown-language-features',
  json: 'vscode.json-language-features',
  jsonc: 'vscode.json-language-features',
  html: 'vscode.html-language-features',
  css: 'vscode.css-language-features',
};

/**
 * Opens our documents. Server text in them is verbatim, so a language service may find links in it
 * — and VS Code runs a `command:` link on Ctrl+click. A document in which any provider finds a link
 * other than a web page, a mail address or one we wrote ourselves is shown as plain text instead.
 */
export class DocumentShower implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly documents: McpDocuments,
    private readonly note: (text: string) => void,
  ) {
    this.subscriptions.push(
      vscode.languages.registerDocumentLinkProvider({ scheme: DOCUMENT_SCHEME }, { provideDocumentLinks: (document) => this.ourLinks(document.uri) }),
      // A resource document that changed (an update from its server) is looked at again.
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.uri.scheme === DOCUMENT_SCHEME && event.contentChanges.length) void this.makeInert(event.document);
      }),
    );
  }

  async showText(uri: vscode.Uri, options: vscode.TextDocumentShowOptions = {}): Promise<vscode.TextDocument> {
    const document = await this.makeInert(await vscode.workspace.openTextDocument(uri));
    await vscode.window.showTextDocument(document, { preview: false, ...options });
    return document;
  }

  /** An image in VS Code's image viewer. */
  async showImage(uri: vscode.Uri, viewColumn = vscode.ViewColumn.Beside): Promise<void> {
    await vscode.commands.executeCommand('vscode.open', uri, { viewColumn, preserveFocus: true, preview: false });
  }

  private async makeInert(document: vscode.TextDocument): Promise<vscode.TextDocument> {
    if (document.languageId === 'plaintext') return document;
    const extension = LINKING_EXTENSIONS[document.languageId];
    if (extension) await vscode.extensions.getExtension(extension)?.activate();
    const found = (await vscode.commands.executeCommand<vscode.DocumentLink[] | undefined>('vscode.executeLinkProvider', document.uri, 1000)) ?? [];
    const ours = this.documents.linksOf(document.uri);
    const unsafe = found.filter((link) => !(link.target && SAFE_SCHEMES.has(link.target.scheme)) && !isOurs(link, ours));
    if (!unsafe.length) return document;
    const schemes = [...new Set(unsafe.map((link) => (link.target ? `${link.target.scheme}:` : 'unresolved')))].join(', ');
    this.note(`${basename(document.uri)} holds links that would run or open something (${schemes}) — shown as plain text`);
    return vscode.languages.setTextDocumentLanguage(document, 'plaintext');
  }

  private ourLinks(uri: vscode.Uri): vscode.DocumentLink[] {
    const server = McpDocuments.segmentsOf(uri)[1] ?? '';
    return this.documents.linksOf(uri).map((link) => {
      const range = new vscode.Range(link.line, link.start, link.line, link.end);
      if ('part' in link.target) {
        const target = McpDocuments.uriOf([...McpDocuments.segmentsOf(uri).slice(0, -1), link.target.part]);
        return Object.assign(new vscode.DocumentLink(range, target), { tooltip: 'Open the image' });
      }
      const args = encodeURIComponent(JSON.stringify([{ server, uri: link.target.resource }]));
      return Object.assign(new vscode.DocumentLink(range, vscode.Uri.parse(`command:${Commands.readResource}?${args}`)), { tooltip: 'Read the resource' });
    });
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
  }
}

function isOurs(link: vscode.DocumentLink, ours: RenderedLink[]): boolean {
  return ours.some((o) => link.range.start.line === o.line && link.range.start.character === o.start && link.range.end.character === o.end);
}

function basename(uri: vscode.Uri): string {
  return McpDocuments.segmentsOf(uri).at(-1) ?? '';
}
