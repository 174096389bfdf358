// A stand-in for the VS Code webview host, for testing the form webview (dist/form.js) in a real browser:
// a loopback HTTP server serving the very document FormPanel gives the webview (built by formHtml, with
// its Content-Security-Policy, the page origin standing in for webview.cspSource) and the dist/ files;
// and an init script that does what VS Code does before the page's scripts run: provides
// acquireVsCodeApi (here recording every posted message, keeping setState in sessionStorage so a reload
// restores it, like a hidden and shown panel), and sets the theme's --vscode-* variables on <html>.
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { formHtml, makeNonce } = createRequire(import.meta.url)(path.join(root, 'out/src/form/formHtml.js'));
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };
export const theme = JSON.parse(fs.readFileSync(path.join(root, 'test/form/dark-modern.json'), 'utf8')).variables;

/** Starts the server; `url` is the form page. Every load gets a fresh nonce, as every FormPanel render does. */
export async function startHarness() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/form') {
      const origin = `http://${req.headers.host}`;
      const nonce = makeNonce();
      const page = formHtml({
        cspSource: origin,
        nonce,
        scriptUri: `${origin}/dist/form.js`,
        styleUri: `${origin}/dist/form.css`,
        codiconUri: `${origin}/dist/codicon.css`,
        title: url.searchParams.get('title') ?? 'Form',
      });
      const formScript = `<script nonce="${nonce}" src="${origin}/dist/form.js"></script>`;
      if (!page.includes(formScript)) throw new Error('formHtml changed: the harness cannot find the form script');
      // ?probe: one more script with the nonce, after the form's (see csp-probe.js)
      const html = url.searchParams.has('probe') ? page.replace(formScript, `${formScript}\n<script nonce="${nonce}" src="${origin}/test/csp-probe.js"></script>`) : page;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return res.end(html);
    }
    if (url.pathname === '/favicon.ico') return res.writeHead(204).end(); // browsers ask; webviews do not
    const match = /^\/dist\/([\w.-]+)$/.exec(url.pathname);
    const file = url.pathname === '/test/csp-probe.js' ? path.join(root, 'test/form/csp-probe.js') : match ? path.join(root, 'dist', match[1]) : undefined;
    if (!file || !fs.existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('not found');
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/form`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Runs in the page before its scripts (page.addInitScript), like VS Code's webview preload. */
export function webviewStub(themeVariables) {
  const posted = [];
  window.__posted = posted;
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
  });
  let api;
  window.acquireVsCodeApi = () => {
    if (api) throw new Error('An instance of the VS Code API has already been acquired');
    api = {
      // VS Code serialises what is posted; a JSON round trip catches anything that would not survive it.
      postMessage: (message) => posted.push(JSON.parse(JSON.stringify(message))),
      getState: () => {
        const saved = sessionStorage.getItem('vscode-state');
        return saved ? JSON.parse(saved) : undefined;
      },
      setState: (state) => {
        sessionStorage.setItem('vscode-state', JSON.stringify(state));
        return state;
      },
    };
    return api;
  };
  const apply = () => {
    for (const [name, value] of Object.entries(themeVariables)) document.documentElement?.style.setProperty(name, value);
    document.body?.classList.add('vscode-dark');
  };
  apply();
  document.addEventListener('DOMContentLoaded', apply);
}
