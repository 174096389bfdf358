/** Things to undo after each test, newest first; failures in one do not stop the others. */
export class Cleanup {
  private readonly steps: (() => Promise<unknown> | unknown)[] = [];

  add(step: () => Promise<unknown> | unknown): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length) throw errors[0];
  }
}

/** A cleanup list that is run after every test of the enclosing `describe`. */
export function useCleanup(): Cleanup {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());
  return cleanup;
}

/** A cleanup list that is run once, after all tests of the enclosing `describe` (for a server they share). */
export function useSuiteCleanup(): Cleanup {
  const cleanup = new Cleanup();
  after(() => cleanup.run());
  return cleanup;
}
