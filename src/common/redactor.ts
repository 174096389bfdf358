/**
 * Keeps the secret values of one connection out of everything shown: configured header values
 * (templates), the values they resolved to, credentials in the URL. One per connection; text is
 * redacted where it leaves the model (a log line, a sentence, a state shown in a view).
 */
export class Redactor {
  private readonly values = new Set<string>();
  private sorted: string[] | undefined = [];

  constructor(initial: Iterable<string> = []) {
    for (const value of initial) this.add(value);
  }

  /** Remembers header values as they were resolved for a request (secrets, environment values). */
  remember(headers: Record<string, string>): void {
    for (const value of Object.values(headers)) {
      this.add(value);
      // "Bearer <token>": a server may echo the token alone.
      const credentials = /^\S+\s+(\S{8,})$/.exec(value)?.[1];
      if (credentials) this.add(credentials);
    }
  }

  add(value: string): void {
    // Too short to redact without mangling ordinary words.
    if (value.length < 4 || this.values.has(value)) return;
    this.values.add(value);
    this.sorted = undefined;
  }

  /** Replaces every known secret in `text` with ***, longest first (a secret may contain another). */
  redact(text: string): string {
    this.sorted ??= [...this.values].sort((a, b) => b.length - a.length);
    let result = text;
    for (const secret of this.sorted) if (result.includes(secret)) result = result.split(secret).join('***');
    return result;
  }
}
