import { STATUS_CODES } from 'node:http';
import { isWithinOrigin } from './endpoint';

/** "404 Not Found": the server's reason phrase, or the standard one when the server sent none. */
export function statusLine(status: number, statusText: string): string {
  return `${status} ${reasonPhrase(status, statusText)}`.trim();
}

export function reasonPhrase(status: number, statusText: string): string {
  return statusText || STATUS_CODES[status] || '';
}

export function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** Reads at most `maxBytes` of a response body as text and releases the rest. */
export async function readBodyStart(response: Response, maxBytes = 4096): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body that breaks off still leaves what arrived.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBytes));
}

export async function discardBody(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/** What the SDK's transport takes as "this server offers no GET stream": it stops quietly. */
export function noStreamResponse(): Response {
  return new Response(null, { status: 405, statusText: 'Method Not Allowed' });
}

/**
 * 404 is the spec's "session not found". Some widely used servers answer 400 instead; only a 400
 * whose body talks about the session counts, so a genuinely bad request is not retried.
 */
export async function meansUnknownSession(response: Response): Promise<boolean> {
  if (response.status === 404) return true;
  if (response.status !== 400) return false;
  const body = await readBodyStart(response.clone());
  return /session/i.test(body);
}

/**
 * Passes a stream through, but ends it cleanly where the source errors, and tells `onEnd` why.
 * The SDK treats a clean end of a resumed stream as "reconnect", and an error as a transport error;
 * a cut stream is something this transport recovers from, so it must not reach the host as fatal.
 */
export function endQuietlyOnError(body: ReadableStream<Uint8Array>, onEnd: (error?: unknown) => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  const end = (error?: unknown) => {
    if (ended) return;
    ended = true;
    onEnd(error);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await reader.read();
        if (done) {
          end();
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (error) {
        end(error);
        controller.close();
      }
    },
    cancel(reason) {
      end();
      return reader.cancel(reason);
    },
  });
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/**
 * Fetches, following redirects that stay on the request's origin (at most 5), the way the SDK
 * follows them for its POSTs; a redirect elsewhere is returned as it is, so nothing configured
 * for this origin travels on. 301/302/303 turn a request with a body into a GET, so only 307 and
 * 308 are followed for those.
 */
export async function fetchWithinOrigin(
  baseFetch: (url: string | URL, init?: RequestInit) => Promise<Response>,
  url: URL,
  init: RequestInit,
  onRedirect?: (target: URL) => void,
): Promise<Response> {
  let current = url;
  for (let followed = 0; ; followed++) {
    const response = await baseFetch(current, { ...init, redirect: 'manual' });
    const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
    if (!location || followed === MAX_REDIRECTS) return response;
    let target: URL;
    try {
      target = new URL(location, current);
    } catch {
      return response;
    }
    const keepsMethod = response.status === 307 || response.status === 308 || (init.method ?? 'GET').toUpperCase() === 'GET';
    if (!keepsMethod || !isWithinOrigin(url, target) || target.username || target.password) return response;
    await discardBody(response);
    onRedirect?.(target);
    current = target;
  }
}

/** Bytes to text, as a stream stage (the DOM and Node typings of TextDecoderStream disagree). */
export function textDecoder(): TransformStream<Uint8Array, string> {
  return new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>;
}

/**
 * A signal of its own for one request, aborted with `parent`. The SDK hands every request the same
 * long-lived signal, and fetch leaves a listener on it per request until garbage collection, which
 * piles up (MaxListenersExceededWarning) over many calls; one listener here, removed by `release`
 * when the request is over, keeps the parent clean.
 */
export function linkSignal(parent: AbortSignal | null | undefined): { signal: AbortSignal | undefined; release(): void } {
  if (!parent) return { signal: undefined, release: () => undefined };
  const controller = new AbortController();
  if (parent.aborted) controller.abort(parent.reason);
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, release: () => parent.removeEventListener('abort', onAbort) };
}
