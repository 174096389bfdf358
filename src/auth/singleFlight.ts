/** At most one run at a time: a caller that arrives while one runs gets that run's result instead of starting another. */
export class SingleFlight<T> {
  private running?: Promise<T>;

  run(work: () => Promise<T>): Promise<T> {
    if (!this.running) {
      const started = work();
      this.running = started;
      const clear = () => {
        if (this.running === started) this.running = undefined;
      };
      started.then(clear, clear);
    }
    return this.running;
  }

  /** The run in progress, if any (to wait for it without starting one). */
  get current(): Promise<T> | undefined {
    return this.running;
  }
}
