import assert from 'node:assert/strict';
import { formCsp, formHtml, makeNonce } from '../../../src/form/formHtml';
import { isHostToWebview, isWebviewToHost } from '../../../src/form/protocol';

const PARTS = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/form.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/form.css',
  codiconUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/codicon.css',
};

describe('form: the webview document', () => {
  it('has a strict CSP: nonce scripts only, no unsafe-inline or unsafe-eval, own files only', () => {
    const csp = formCsp(PARTS.cspSource, 'abc');
    assert.equal(
      csp,
      "default-src 'none'; script-src 'nonce-abc'; style-src https://file+.vscode-resource.vscode-cdn.net; font-src https://file+.vscode-resource.vscode-cdn.net; img-src https://file+.vscode-resource.vscode-cdn.net data:; connect-src 'none'; frame-src 'none'; form-action 'none'; base-uri 'none'",
    );
    assert.doesNotMatch(csp, /unsafe/);
  });

  it('a fresh nonce per render, on the one script; the title escaped', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => makeNonce()));
    assert.equal(nonces.size, 50);
    for (const n of nonces) assert.match(n, /^[A-Za-z0-9+/]{22}$/);
    const nonce = makeNonce();
    const html = formHtml({ ...PARTS, nonce, title: '</title><script>alert(1)</script> & "x"' });
    assert.ok(html.includes(`<title>&#60;/title&#62;&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;x&#34;</title>`));
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.ok(html.includes(`<script nonce="${nonce}" src="${PARTS.scriptUri}"></script>`));
    assert.ok(html.includes(`<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${PARTS.codiconUri}">`));
    assert.ok(html.includes(`content="default-src &#39;none&#39;; script-src &#39;nonce-${nonce}&#39;;`));
  });
});

describe('form: protocol guards', () => {
  it('accept the messages of the protocol and nothing else', () => {
    assert.equal(isWebviewToHost({ type: 'ready' }), true);
    assert.equal(isWebviewToHost({ type: 'submit', arguments: { a: 1 } }), true);
    assert.equal(isWebviewToHost({ type: 'submit', arguments: [1] }), false);
    assert.equal(isWebviewToHost({ type: 'submit' }), false);
    assert.equal(isWebviewToHost({ type: 'decline' }), true);
    assert.equal(isWebviewToHost({ type: 'cancel' }), true);
    assert.equal(isWebviewToHost({ type: 'run', command: 'x' }), false);
    assert.equal(isWebviewToHost('ready'), false);
    assert.equal(isHostToWebview({ type: 'init', title: 't', schema: {}, mode: 'tool' }), true);
    assert.equal(isHostToWebview({ type: 'init', title: 't', schema: {}, mode: 'other' }), false);
    assert.equal(isHostToWebview({ type: 'init', title: 1, schema: {}, mode: 'tool' }), false);
    assert.equal(isHostToWebview({ type: 'status', state: 'busy', message: 'Calling…' }), true);
    assert.equal(isHostToWebview({ type: 'status', state: 'weird', message: '' }), false);
  });
});
