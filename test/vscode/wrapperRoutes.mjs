// What code-server's own wrapper serves around the VS Code server build and `server-main.js` alone does not, answered in
// the test browser (Playwright routes) so that the workbench behaves as it does under code-server:
//   /proxy/<port>/<path>  `openExternal` (and `asExternalUri`) rewrite http://127.0.0.1:<port> URLs to this route; the
//                          wrapper forwards it to the port — here a redirect to http://127.0.0.1:<port>/<path>.
//   POST /mint-key         the key that seals Secret Storage in a browser-served workbench; without it, secrets do not
//                          survive a window reload. A fixed key per browser context, as the wrapper keeps one per machine.
import { randomBytes } from 'node:crypto';

export async function serveWrapperRoutes(context) {
  await context.route(/^http:\/\/127\.0\.0\.1:\d+\/proxy\/\d+\//, (route) => {
    const url = new URL(route.request().url());
    const [, port, ...rest] = url.pathname.split('/').filter(Boolean);
    void route.fulfill({ status: 302, headers: { location: `http://127.0.0.1:${port}/${rest.join('/')}${url.search}` } });
  });
  const key = randomBytes(32);
  await context.route(/\/mint-key$/, (route) => void route.fulfill({ status: 200, contentType: 'application/octet-stream', body: key }));
}
