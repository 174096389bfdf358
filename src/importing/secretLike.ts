/**
 * Which literal header values look like credentials, so the importer moves them into Secret Storage
 * instead of writing them into settings.json. False positives cost little (the value is kept, just
 * elsewhere); false negatives leave a token in a file that may be synced or committed.
 */
export type SecretSplit =
  /** Nothing literal worth hiding. */
  | { kind: 'none' }
  /** The whole value is the secret. */
  | { kind: 'whole' }
  /** `<scheme> <token>` (Authorization): only the token is the secret; the scheme stays readable. */
  | { kind: 'token'; scheme: string; token: string }
  /** A secret-looking literal next to `${…}` references: it cannot be moved as one value. */
  | { kind: 'mixed' };

const REFERENCE = /\$\{(env|secret):[^}]+\}/g;
const AUTHORIZATION = /^(proxy-)?authorization$/i;
const SECRET_NAME = /auth|token|secret|key|cookie|passw|credential|session|signature|jwt|bearer/i;
const SCHEME_TOKEN = /^([A-Za-z][A-Za-z0-9._~+-]*) +(\S+)$/;
const TOKEN_CHARS = /^[A-Za-z0-9+/=_.~:-]+$/;
const KNOWN_PREFIX = /^(sk-|sk_|pk_|rk_|ghp_|gho_|ghu_|ghs_|github_pat_|glpat-|xox[abprs]-|AKIA|eyJ|lin_api_|ntn_|secret_|api_|key-)/;

/** How the literal value of header `name` should be split between settings and Secret Storage. */
export function splitSecret(name: string, value: string): SecretSplit {
  const literal = value.replace(REFERENCE, '').trim();
  if (literal === '') return { kind: 'none' };
  const hasReferences = literal !== value.trim();
  if (AUTHORIZATION.test(name)) {
    if (hasReferences) {
      // "Bearer ${env:TOKEN}" is fine; anything more literal than a scheme word is not.
      return /^[A-Za-z][A-Za-z0-9._~+-]*$/.test(literal) && /^\s*[A-Za-z][A-Za-z0-9._~+-]* +\$\{/.test(value) ? { kind: 'none' } : { kind: 'mixed' };
    }
    const match = SCHEME_TOKEN.exec(value.trim());
    return match ? { kind: 'token', scheme: match[1], token: match[2] } : { kind: 'whole' };
  }
  const secretLooking = SECRET_NAME.test(name) || literal.split(/\s+/).some(looksRandom);
  if (!secretLooking) return { kind: 'none' };
  return hasReferences ? { kind: 'mixed' } : { kind: 'whole' };
}

/** A token-like word: a known key prefix, or long, mixed and high in entropy. */
export function looksRandom(word: string): boolean {
  if (!TOKEN_CHARS.test(word)) return false;
  if (KNOWN_PREFIX.test(word) && word.length >= 12) return true;
  if (word.length < 20 || !/[0-9]/.test(word) || !/[A-Za-z]/.test(word)) return false;
  return entropy(word) >= 3.5;
}

/** Values copied from documentation rather than real credentials ("YOUR_API_KEY", "<token>", "xxxx"). */
export function looksLikePlaceholder(value: string): boolean {
  const placeholder = /^(your[_ -]|<|\[|\{\{|x{4,}$|\*{4,}|\.{3}|replace|changeme|todo|insert|put[_ -]|example)/i;
  const trimmed = value.trim();
  return placeholder.test(trimmed) || placeholder.test(trimmed.replace(/^[A-Za-z]+ +/, ''));
}

function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
