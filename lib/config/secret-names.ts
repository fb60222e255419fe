// Which names hold secrets: config keys (`smtpPassword`, `smtp_pass`, `headers.Authorization`),
// URL query parameters (`?password=`, `?access_token=`) and `NAME=value` assignments
// (`PGPASSWORD=…`). A name is read as words — split at `_`, `-`, `.`, spaces, camelCase and
// digits — and judged word by word, never by substring, so `keepAlive`, `passthrough`,
// `monkey` and `tokenizer` are not secrets while `accessKey`, `pwd` and `auth` are.
//
// Some words say "secret" wherever they stand (`passwordFile` may be harmless, but showing a
// harmless value as *** costs nothing, while missing a secret leaks it). Others only when they
// end the name, which is where English puts the noun a compound is about: `apiKey` and
// `smtp_pass` hold secrets, `keyPrefix` and `pass_through` do not.

/** Secret wherever they appear; also as the end of a longer word (`PGPASSWORD`). */
const ANYWHERE = ['password', 'passwd', 'passphrase', 'secret', 'secrets', 'token', 'tokens', 'credential', 'credentials', 'authorization', 'apikey', 'privatekey'];
/** Secret wherever they appear, as whole words only (`OLDPWD` is a folder). */
const WHOLE_ONLY = new Set(['pwd']);
/** Secret when they end the name (trailing numbers aside): `accessKey`, `smtp_pass`, `auth`. */
const LAST = new Set(['key', 'keys', 'pass', 'auth', 'cookie', 'sig', 'signature']);

const ANYWHERE_SET = new Set(ANYWHERE);
// Suffixes shorter than this would match ordinary words.
const LONG_ANYWHERE = ANYWHERE.filter((word) => word.length >= 6);

/** `smtpPassword` -> [smtp, password]; `HTTPHeader2` -> [http, header, 2]; `x-api-key` -> [x, api, key]. */
export function nameWords(name: string): string[] {
  const words: string[] = [];
  for (const part of name.split(/[^A-Za-z0-9]+/)) {
    if (part === '') continue;
    // lower|Upper, UPPER|Upper-lower, letter|digit, digit|letter.
    for (const word of part.split(/(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])/)) {
      if (word !== '') words.push(word.toLowerCase());
    }
  }
  return words;
}

function secretAnywhere(word: string): boolean {
  if (ANYWHERE_SET.has(word) || WHOLE_ONLY.has(word)) return true;
  return LONG_ANYWHERE.some((strong) => word.length > strong.length && word.endsWith(strong));
}

export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  for (let i = 0; i < words.length; i++) {
    if (secretAnywhere(words[i]!)) return true;
    // `pass_word`, `passPhrase`, `api_key`: two words that make one.
    if (i + 1 < words.length && secretAnywhere(words[i]! + words[i + 1]!)) return true;
  }
  const named = words.filter((word) => !/^[0-9]+$/.test(word));
  const last = named[named.length - 1];
  return last !== undefined && LAST.has(last);
}
