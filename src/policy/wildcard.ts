/**
 * The policy language's wildcard match: `*` is any run of characters (also `/` and `:`), `?` one
 * character. Iterative with one backtrack point, so it stays linear-ish on long ARNs.
 */
export function wildcardMatch(pattern: string, text: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? text.toLowerCase() : text;
  let pi = 0;
  let ti = 0;
  let star = -1;
  let resume = 0;
  while (ti < t.length) {
    const c = p[pi];
    if (c === '*') {
      star = pi++;
      resume = ti;
    } else if (pi < p.length && (c === '?' || c === t[ti])) {
      pi += 1;
      ti += 1;
    } else if (star >= 0) {
      // Let the last `*` swallow one more character and retry from there.
      pi = star + 1;
      ti = ++resume;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi += 1;
  return pi === p.length;
}
