/**
 * A POST's answer stream that ended after an event id without the answer is resumed by the SDK
 * (GET + Last-Event-ID) after the server's `retry:` — which a server may set to 0. These resumes
 * are paced (at least MIN_RESUME_DELAY_MS apart: below the SDK's default, above a tight loop, and
 * short enough for a server's `retry: 500` to be honoured as asked) and bounded: a chain of resumes
 * that brings no new event MAX_RESUMES_WITHOUT_PROGRESS times fails its requests.
 */
export const MIN_RESUME_DELAY_MS = 250;
export const MAX_RESUMES_WITHOUT_PROGRESS = 5;
/** Most answer streams that end after an id did deliver their answer and are never resumed: keep only the latest. */
const KEPT_CHAINS = 64;

export interface ResumeChain {
  readonly requestIds: (string | number)[];
  /** Resumes in a row that brought no new event id. */
  stale: number;
  lastAttemptAt: number;
}

export class AnswerResumes {
  /** By the event id a resume will start after. */
  private readonly chains = new Map<string, ResumeChain>();

  /** An answer stream for these requests ended after `lastEventId` without their answers. */
  broke(lastEventId: string, requestIds: (string | number)[]): void {
    this.chains.set(lastEventId, { requestIds, stale: 0, lastAttemptAt: Date.now() });
    if (this.chains.size > KEPT_CHAINS) this.chains.delete(this.chains.keys().next().value!);
  }

  chainOf(lastEventId: string): ResumeChain | undefined {
    return this.chains.get(lastEventId);
  }

  /** Waits until the chain may resume again; resolves false when it has used up its resumes. */
  async admit(chain: ResumeChain, signal: AbortSignal | undefined): Promise<boolean> {
    if (chain.stale >= MAX_RESUMES_WITHOUT_PROGRESS) return false;
    const wait = chain.lastAttemptAt + MIN_RESUME_DELAY_MS - Date.now();
    if (wait > 0) await abortableDelay(wait, signal);
    chain.stale++;
    chain.lastAttemptAt = Date.now();
    return true;
  }

  /** The resumed stream ended after `newLastEventId`: progress when it moved on. */
  ended(from: string, chain: ResumeChain, newLastEventId: string | undefined): void {
    if (newLastEventId === undefined || newLastEventId === from) return;
    this.chains.delete(from);
    chain.stale = 0;
    this.chains.set(newLastEventId, chain);
  }

  forget(lastEventId: string): void {
    this.chains.delete(lastEventId);
  }
}

function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
