// Keeps secrets out of anything crew prints: passwords inside URLs (a Redis URL usually carries
// one) and the values of keys whose names say they are secret.

const MASK = '***';

// scheme://user:password@ — the password runs to the last "@" before the path, as URL parsing has it.
const CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*:)[^\s/?#]+@/gi;
const SECRET_KEY = /password|passwd|^pass$|secret|token|api[-_]?key|credential|private[-_]?key/i;

/** `redis://:secret@h:6379/0` -> `redis://:***@h:6379/0`; the user name is kept. */
export function redactUrl(url: string): string {
  const replaced = redactText(url);
  if (!URL.canParse(replaced)) return replaced;
  const parsed = new URL(replaced);
  if (parsed.password === '' || parsed.password === MASK) return replaced;
  // A form the pattern does not cover but URL parsing finds a password in: let URL rewrite it.
  parsed.password = MASK;
  return parsed.href;
}

/** Redacts every URL password inside a longer text, such as a message or a command line. */
export function redactText(text: string): string {
  return text.replace(CREDENTIALS, `$1${MASK}@`);
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactUrl(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const secret = isSecretKey(key) && item !== undefined && item !== null && item !== '';
      Object.defineProperty(out, key, { value: secret ? MASK : redactValue(item), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** A deep copy for display (`crew config`): URL passwords and secret-named keys become `***`. */
export function redactConfig<T>(config: T): T {
  return redactValue(config) as T;
}
