import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignInFailedError } from './errors';
import { PAGE_HEADERS, signedInPage, signInFailedPage } from './callbackPages';

export const CALLBACK_PATH = '/callback';

export interface CallbackExpectation {
  state: string;
  /** The authorization server's `issuer` from its metadata, compared with an `iss` parameter when one comes (RFC 9207). */
  issuer?: string;
  /** The AS advertises `authorization_response_iss_parameter_supported`: an answer without `iss` is refused. */
  issuerRequired: boolean;
}

export interface AuthorizationCallback {
  code: string;
  /** Answers the waiting browser tab, so that its page can say whether the token request worked too. */
  finish(outcome: { ok: true } | { ok: false; message: string }): void;
}

interface Waiter {
  expectation: CallbackExpectation;
  resolve(callback: AuthorizationCallback): void;
  reject(error: Error): void;
}

/**
 * The RFC 8252 loopback redirect: an HTTP listener on 127.0.0.1 (or localhost) that receives the one authorization
 * response of an interactive sign-in at `/callback`. It exists only while a sign-in runs. The first answer at
 * `/callback` decides: a wrong `state` or `iss` ends the sign-in as well as a right one does.
 */
export class LoopbackListener {
  private waiter?: Waiter;
  private settled = false;
  private readonly heldResponses = new Set<ServerResponse>();

  private constructor(
    private readonly server: string,
    private readonly http: Server,
    readonly redirectUri: string,
    readonly port: number,
  ) {
    http.on('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res));
  }

  /** Listens on `host:port` (port 0: a free one). Rejects with the listen error (e.g. code EADDRINUSE) if that fails. */
  static async start(options: { server: string; host: '127.0.0.1' | 'localhost'; port: number }): Promise<LoopbackListener> {
    const http = createServer();
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port, options.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    const { port } = http.address() as AddressInfo;
    return new LoopbackListener(options.server, http, `http://${options.host}:${port}${CALLBACK_PATH}`, port);
  }

  /** The next answer at /callback, checked against `expectation`; rejects on timeout or abort too. */
  waitForCallback(expectation: CallbackExpectation, { timeoutMs, signal }: { timeoutMs: number; signal?: AbortSignal }): Promise<AuthorizationCallback> {
    if (this.waiter || this.settled) throw new Error('A loopback listener serves a single sign-in');
    return new Promise<AuthorizationCallback>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new SignInFailedError(this.server, 'timeout', { detail: formatDuration(timeoutMs) })), timeoutMs);
      const onAbort = () => this.fail(new SignInFailedError(this.server, 'cancelled'));
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.waiter = {
        expectation,
        resolve: (callback) => (done(), resolve(callback)),
        reject: (error) => (done(), reject(error)),
      };
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Ends the wait with this error (e.g. the browser could not be opened). No effect once an answer was taken. */
  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.waiter?.reject(error);
  }

  async close(): Promise<void> {
    this.fail(new SignInFailedError(this.server, 'cancelled'));
    for (const res of this.heldResponses) respond(res, 500, signInFailedPage('The sign-in ended before it finished.'));
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.redirectUri);
    if (url.pathname !== CALLBACK_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET', 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed');
      return;
    }
    const waiter = this.waiter;
    if (!waiter || this.settled) {
      respond(res, 400, signInFailedPage('No sign-in is waiting for this answer any more.'));
      return;
    }
    this.settled = true;
    const outcome = this.check(url.searchParams, waiter.expectation);
    if (outcome instanceof Error) {
      respond(res, 400, signInFailedPage(outcome.message));
      waiter.reject(outcome);
      return;
    }
    this.heldResponses.add(res);
    res.once('close', () => this.heldResponses.delete(res));
    waiter.resolve({
      code: outcome.code,
      finish: (result) => {
        if (!this.heldResponses.delete(res)) return;
        if (result.ok) respond(res, 200, signedInPage(this.server));
        else respond(res, 400, signInFailedPage(result.message));
      },
    });
  }

  /** RFC 6749 §4.1.2 / RFC 9207: `state` first (an error answer can be forged too), then `iss`, then error or code. */
  private check(params: URLSearchParams, expectation: CallbackExpectation): { code: string } | SignInFailedError {
    const issuer = expectation.issuer;
    if (params.get('state') !== expectation.state) return new SignInFailedError(this.server, 'state-mismatch', { issuer });
    const iss = params.get('iss');
    if (iss === null ? expectation.issuerRequired : issuer !== undefined && iss !== issuer) {
      return new SignInFailedError(this.server, 'issuer-mismatch', { issuer, detail: iss === null ? 'an answer without iss' : quoted(iss) });
    }
    const error = params.get('error');
    if (error !== null) {
      const description = params.get('error_description');
      return new SignInFailedError(this.server, 'authorization-denied', { issuer, detail: quoted(description ? `${error}: ${description}` : error) });
    }
    const code = params.get('code');
    if (!code) return new SignInFailedError(this.server, 'invalid-callback', { issuer });
    return { code };
  }
}

function respond(res: ServerResponse, status: number, html: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { ...PAGE_HEADERS, connection: 'close' }).end(html);
}

/** Server-sent text as it may appear in a sentence: one line, bounded, quoted. */
function quoted(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return `"${line.length > 200 ? `${line.slice(0, 199)}…` : line}"`;
}

function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  if (ms >= 1000) return `${Math.round(ms / 1000)} s`;
  return `${ms} ms`;
}
