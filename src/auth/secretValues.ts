/**
 * The secret values one session has handled (tokens, codes, verifiers, client secrets). Our own sentences never contain
 * them; this guards the text that comes from elsewhere — an authorization server's error description, an SDK error
 * quoting a response body — before it reaches an error message or an event.
 */
export class SecretValues {
  private readonly values = new Set<string>();

  add(...values: (string | undefined)[]): void {
    for (const value of values) if (value && value.length >= 4) this.values.add(value);
  }

  scrub(text: string): string {
    let result = text;
    for (const value of this.values) result = result.split(value).join('***');
    return result;
  }
}
