/** The pages the browser tab ends on after a sign-in. Static: no script, no external resource, every text escaped. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function page(title: string, paragraphs: string[]): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5}</style>',
    '</head><body>',
    `<h1>${escapeHtml(title)}</h1>`,
    ...paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`),
    '</body></html>',
  ].join('\n');
}

export function signedInPage(server: string): string {
  return page('Signed in', [`MCP Connections is now signed in to "${server}".`, 'You can close this tab.']);
}

/** `message` may quote what the authorization server sent (an error description): it is shown as text, never markup. */
export function signInFailedPage(message: string): string {
  return page('Sign-in failed', [message, 'You can close this tab and try again.']);
}

/** The answer headers of both pages: nothing may run or load, nothing is cached. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;
