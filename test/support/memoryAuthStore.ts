import type { AuthStore } from '../../src/auth/types';

/** An `AuthStore` in a Map, for tests (what SecretStorage or the file store hold, inspectable). */
export class MemoryAuthStore implements AuthStore {
  readonly entries = new Map<string, string>();

  async get(key: string): Promise<string | undefined> {
    return this.entries.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    this.entries.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  /** The stored value under the first key that starts with this prefix, parsed. */
  find<T>(prefix: string): T | undefined {
    for (const [key, value] of this.entries) if (key.startsWith(prefix)) return JSON.parse(value) as T;
    return undefined;
  }
}
