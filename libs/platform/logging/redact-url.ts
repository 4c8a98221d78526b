/** Query parameters whose values are secrets (any case, `-` or `_` or nothing between the words). */
const SECRET_PARAMETER = /^(api[-_]?key|key|token|access[-_]?token|secret|password)$/i;

/** The URL as logged: a key sent in the query string (`?apiKey=…`) is replaced by `[REDACTED]`. */
export function redactUrl(url: string): string {
  const question = url.indexOf('?');
  if (question < 0) return url;
  const query = url
    .slice(question + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return SECRET_PARAMETER.test(decodeName(name)) ? `${name}=[REDACTED]` : pair;
    });
  return `${url.slice(0, question)}?${query.join('&')}`;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).trim();
  } catch {
    return name;
  }
}
