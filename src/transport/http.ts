import { STATUS_CODES } from 'node:http';
import { AnswerTooLargeError } from './types';

/** "404 Not Found": the server's reason phrase, or the standard one when the server sent none. */
export function statusLine(status: number, statusText: string): string {
  return `${status} ${statusText || STATUS_CODES[status] || ''}`.trim();
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

/** What the SDK's transport takes as "this server offers no GET stream": it stops quietly. */
export function noStreamResponse(): Response {
  return new Response(null, { status: 405, statusText: 'Method Not Allowed' });
}

/**
 * Passes a stream through, but ends it cleanly where the source errors, and tells `onEnd` why.
 * The SDK treats a clean end of the GET stream as "reconnect", and an error as a transport error;
 * a cut stream is something this transport recovers from, so it must not reach the host as fatal.
 */
export function endQuietlyOnError(
  body: ReadableStream<Uint8Array>,
  onEnd: (error?: unknown) => void,
): ReadableStream<Uint8Array> {
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

/**
 * Passes a POST answer through with two guards. Size: more than `maxBytes` in a JSON body, or in
 * one SSE event, stops the download (the SDK would otherwise hold the whole answer in memory).
 * Ends: `onEnd` hears how the body ended — cleanly, in an error, or over the limit — and whether an
 * SSE event id had arrived (then the SDK resumes a broken stream itself); for an error it decides
 * whether the reader sees the error (`'error'`) or a clean end (`'close'`).
 */
export function guardAnswer(
  body: ReadableStream<Uint8Array>,
  options: { maxBytes: number; sse: boolean; onEnd: (error: Error | undefined, sawEventId: boolean) => 'error' | 'close' },
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let total = 0;
  let eventBytes = 0;
  let lineLength = 0;
  let linePrefix = '';
  let sawEventId = false;
  // SSE: bytes since the last blank line (the end of an event), and whether an "id:" line came.
  // The native indexOf jumps from line to line; only the first bytes of a line are looked at.
  const scan = (chunk: Uint8Array): number => {
    let largest = 0; // the largest event seen in this chunk, including the one still open at its end
    for (let start = 0; start <= chunk.length; ) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      const length = end - start - (end > start && chunk[end - 1] === 0x0d ? 1 : 0);
      if (!sawEventId) {
        for (let i = start; i < start + length && lineLength + (i - start) < 3; i++) {
          linePrefix += String.fromCharCode(chunk[i]);
          if (linePrefix === 'id:') sawEventId = true;
        }
      }
      lineLength += length;
      eventBytes += length;
      largest = Math.max(largest, eventBytes);
      if (newline === -1) break;
      if (lineLength === 0) eventBytes = 0; // a blank line ends the event
      lineLength = 0;
      linePrefix = '';
      start = newline + 1;
    }
    return largest;
  };
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: Error) => {
    if (options.onEnd(error, sawEventId) === 'error') controller.error(error);
    else controller.close();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        return fail(controller, error instanceof Error ? error : new Error(String(error)));
      }
      if (chunk.done) {
        options.onEnd(undefined, sawEventId);
        return controller.close();
      }
      total += chunk.value.byteLength;
      if ((options.sse ? scan(chunk.value) : total) > options.maxBytes) {
        reader.cancel().catch(() => undefined);
        return fail(controller, new AnswerTooLargeError(options.maxBytes));
      }
      controller.enqueue(chunk.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/** One plain description of a fetch failure ("connection refused", "no answer within 10 s"…). */
export function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset by the server';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connection timed out';
    case 'UND_ERR_HEADERS_TIMEOUT':
      return 'no answer from the server';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the server's TLS certificate is not trusted (${code})`;
  }
  const message = cause?.message ?? (error instanceof Error ? error.message : String(error));
  return message.replace(/^TypeError: /, '');
}
