/**
 * The secret values one session has handled (tokens, codes, verifiers, client secrets). Our own sentences never contain
 * them; this guards the text that comes from elsewhere — an authorization server's error description, an SDK error
 * quoting a response body — before it reaches an error message or an event.
 */
export class SecretValues {
  private readonly values = new Set<string>();

  /** `onAdd` hears every value as it is learnt (a connection's redactor, which guards the log too). */
  constructor(private readonly onAdd?: (value: string) => void) {}

  add(...values: (string | undefined)[]): void {
    for (const value of values) {
      if (!value || value.length < 4 || this.values.has(value)) continue;
      // As is, and as a form body quotes it.
      for (const form of [value, new URLSearchParams({ v: value }).toString().slice(2)]) {
        this.values.add(form);
        this.onAdd?.(form);
      }
    }
  }

  /** A client's credentials, also as an `Authorization: Basic` value: the SDK's plain encoding and RFC 6749 §2.3.1's. */
  addClientCredentials(clientId: string, clientSecret: string | undefined): void {
    if (!clientSecret) return;
    const basic = (text: string) => Buffer.from(text).toString('base64');
    this.add(clientSecret, basic(`${clientId}:${clientSecret}`), basic(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`));
  }

  scrub(text: string): string {
    let result = text;
    // Longest first, so that a value containing another is replaced whole.
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) result = result.split(value).join('***');
    // Credentials this session did not see (or saw differently encoded) still have a recognisable shape.
    return result.replace(/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 ***');
  }
}
