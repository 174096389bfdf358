const SECRET_QUERY_KEY = /token|key|secret|auth|pass|sig|credential|session|code/i;

/** The URL as it may be shown to a user: no userinfo, and query values that look secret replaced. */
export function displayUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return '<invalid URL>';
  }
  parsed.username = '';
  parsed.password = '';
  parsed.hash = '';
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_QUERY_KEY.test(key)) parsed.searchParams.set(key, '***');
  }
  return parsed.href.replace(/%2A%2A%2A/g, '***');
}

/**
 * Replaces every occurrence of the given secret values in a text. Used at the edges (log lines,
 * error sentences, body excerpts) as a last line of defence: header values must never be shown.
 */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue; // too short to redact without mangling ordinary words
    result = result.split(secret).join('***');
  }
  return result;
}

/** First `max` characters of a text with whitespace collapsed and markup stripped. */
export function excerpt(text: string, max = 200): string {
  const plain = text
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length <= max ? plain : `${plain.slice(0, max - 1)}…`;
}
