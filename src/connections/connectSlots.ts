/**
 * How many connects run at once, and each one's start in a turn of its own. Applying many servers
 * at once (start-up, a settings edit) would otherwise start every connect in one turn of the event
 * loop and parse their answers in bursts — stalling the extension host, which every other extension
 * shares. A few at a time keep every turn short, and loopback connects are quick enough that the
 * whole set is connected about as fast.
 */
export class ConnectSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  /** Resolves (in a later turn) with a release function once a slot is free; rejects with the signal's reason if it aborts first. */
  acquire(signal: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const start = () => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) return this.release(), reject(signal.reason);
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.release();
        });
      };
      const enter = () => {
        this.running++;
        setImmediate(start);
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(enter);
        if (index >= 0) {
          this.waiting.splice(index, 1);
          reject(signal.reason);
        }
      };
      if (signal.aborted) return reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      if (this.running < this.size) enter();
      else this.waiting.push(enter);
    });
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }
}
