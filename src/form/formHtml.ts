// The HTML document of the form webview, with its Content-Security-Policy. Pure (no vscode), so the
// browser test loads exactly what FormPanel gives the webview.

export interface FormHtmlParts {
  /** `webview.cspSource`: the origin the webview's own files are served from. */
  cspSource: string;
  /** A fresh random value for each render (see `makeNonce`). */
  nonce: string;
  /** Webview URIs (`webview.asWebviewUri`) of dist/form.js, dist/form.css and dist/codicon.css. */
  scriptUri: string;
  styleUri: string;
  codiconUri: string;
  /** The document title; plain text (it is escaped). */
  title: string;
}

/**
 * Nothing is allowed unless listed: scripts only with this render's nonce (no inline scripts, no eval —
 * the validator interprets schemas instead of compiling them); styles, fonts and images only from the
 * extension's dist folder. Lit and @vscode-elements style their shadow roots with constructable
 * stylesheets (`adoptedStyleSheets`) and set styles through the CSSOM, which style-src does not govern,
 * so no 'unsafe-inline' is needed for styles either. No network, no frames, no form posts, no <base>.
 */
export function formCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** 128 random bits, base64 without padding (a valid CSP nonce). */
export function makeNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/=+$/, '');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function formHtml(parts: FormHtmlParts): string {
  const { nonce } = parts;
  const attr = escapeHtml;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(formCsp(parts.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${attr(parts.codiconUri)}">
<link rel="stylesheet" href="${attr(parts.styleUri)}">
<title>${escapeHtml(parts.title)}</title>
</head>
<body>
<main id="app"><p class="loading">Loading…</p></main>
<script nonce="${attr(nonce)}" src="${attr(parts.scriptUri)}"></script>
</body>
</html>
`;
}
