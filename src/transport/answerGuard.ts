import { mediaType } from './http';
import { AnswerTooLargeError } from './types';

/**
 * Passes an answer body through with two guards. Size: more than `maxBytes` in a JSON body, or in
 * one SSE event, stops the download (the SDK would otherwise hold the whole answer in memory).
 * Ends: `onEnd` hears how the body ended — cleanly, in an error, or over the limit — and whether an
 * SSE event id had arrived, and which (then the SDK resumes a broken stream itself); for an error it decides
 * whether the reader sees the error (`'error'`) or a clean end (`'close'`).
 */
export function guardAnswer(
  body: ReadableStream<Uint8Array>,
  options: { maxBytes: number; sse: boolean; onEnd: (error: Error | undefined, lastEventId: string | undefined) => 'error' | 'close' },
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const scanner = new EventScanner();
  let total = 0;
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: Error) => {
    if (options.onEnd(error, scanner.lastEventId) === 'error') controller.error(error);
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
        options.onEnd(undefined, scanner.lastEventId);
        return controller.close();
      }
      total += chunk.value.byteLength;
      if ((options.sse ? scanner.scan(chunk.value) : total) > options.maxBytes) {
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

/** A JSON answer whose declared length is within the limit cannot grow past it: no wrapping needed. */
export function needsGuard(response: Response, maxBytes: number): boolean {
  if (isEventStream(response)) return true;
  const length = Number(response.headers.get('content-length') ?? NaN);
  return !(Number.isFinite(length) && length <= maxBytes);
}

export function isEventStream(response: Response): boolean {
  return mediaType(response.headers.get('content-type')) === 'text/event-stream';
}

/**
 * Follows SSE framing over raw bytes, chunk by chunk: the size of the event being received (bytes
 * since the last blank line) and the last "id:" seen. The native indexOf jumps from line to line;
 * only the first bytes of a line are looked at, and the rest of an id line.
 */
export class EventScanner {
  /** The value of the last "id:" line (what a resume sends as Last-Event-ID). */
  lastEventId: string | undefined;
  private eventBytes = 0;
  private lineLength = 0;
  private linePrefix = '';
  /** The parts of the id line being read, or undefined when the current line is not one. */
  private idParts: Uint8Array[] | undefined;

  get sawEventId(): boolean {
    return this.lastEventId !== undefined;
  }

  /** Scans one chunk; returns the largest event seen in it, including the one still open at its end. */
  scan(chunk: Uint8Array): number {
    let largest = 0;
    for (let start = 0; start <= chunk.length; ) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      const length = end - start - (end > start && chunk[end - 1] === 0x0d ? 1 : 0);
      if (this.idParts) this.idParts.push(chunk.subarray(start, start + length));
      else {
        for (let i = start; i < start + length && this.lineLength + (i - start) < 3; i++) {
          this.linePrefix += String.fromCharCode(chunk[i]);
          if (this.linePrefix === 'id:') this.idParts = [chunk.subarray(i + 1, start + length)];
        }
      }
      this.lineLength += length;
      this.eventBytes += length;
      largest = Math.max(largest, this.eventBytes);
      if (newline === -1) break;
      if (this.lineLength === 0) this.eventBytes = 0; // a blank line ends the event
      if (this.idParts) this.lastEventId = idValue(this.idParts);
      this.idParts = undefined;
      this.lineLength = 0;
      this.linePrefix = '';
      start = newline + 1;
    }
    return largest;
  }
}

/** The value of an id line: one leading space dropped, as SSE parsers do. */
function idValue(parts: Uint8Array[]): string {
  return new TextDecoder().decode(Buffer.concat(parts)).replace(/^ /, '');
}
