// Which word patterns a saved file may carry. JavaScript's RegExp backtracks: a pattern such as (a+)+$ or
// (a|a)*b takes time exponential in the text's length, and one read from a file would hang the process that
// loads or uses the model (ReDoS). There is no time limit on a RegExp and no linear engine in every runtime, so
// a pattern from a file is compiled only if it lies in a subset whose matching cost is bounded by construction:
// - no backreferences and no lookaround (they defeat any bound);
// - at most one unbounded quantifier (`*`, `+`, `{m,}`) in the whole pattern, on a single character (a literal,
//   an escape such as \w or \p{L}, a class or `.`) that matches no whitespace;
// - a quantified group holds no quantifier and no alternation (so no nesting: star height 1);
// - bounded quantifiers `{m,n}` with n ≤ 64, and at most 256 characters of source.
// Then one match attempt backtracks at most over the run of non-space characters the unbounded atom covers,
// times a constant of the pattern: tokenizing a text costs O(n·w), n its length and w its longest run of
// non-space characters (words of ordinary text: linear). The default pattern and scikit-learn's
// `\b\w\w+\b` are in the subset; so is any pattern made of character classes with one `+`.

/** The longest pattern source a saved file may carry. */
export const MAX_PATTERN_SOURCE = 256;
/** The largest bound of a `{m,n}` quantifier in a saved pattern. */
const MAX_BOUND = 64;
/** Whitespace an unbounded atom must not match (JavaScript's \s and Python's isspace() set). */
const SPACES = [' ', '\t', '\n', '\v', '\f', '\r', '\x1c', '\x1d', '\x1e', '\x1f', '\x85', '\xa0', '\u1680', '\u2000', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff'];

/** A parsed group: whether it holds alternation or a quantifier (anywhere inside). */
interface Frame {
  alternation: boolean;
  quantified: boolean;
}

/**
 * Why a pattern read from a file is outside the safe subset described above, or null when it is inside.
 * `flags` must hold `g` and only g, i, m, s, u.
 */
export function unsafePattern(source: string, flags: string): string | null {
  if (source.length > MAX_PATTERN_SOURCE) return `is ${source.length} characters long; a saved pattern may have ${MAX_PATTERN_SOURCE}`;
  if (!/^[gimsu]*$/.test(flags) || !flags.includes('g') || new Set(flags).size !== flags.length) return `flags must include g and only g, i, m, s, u, got ${JSON.stringify(flags)}`;
  const stack: Frame[] = [{ alternation: false, quantified: false }];
  let unbounded = 0;
  // The last atom: its source (a single character's, or null for a group) and, for a group, its frame.
  let atom: { src: string | null; group: Frame | null } | null = null;
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') {
      const d = source[i + 1];
      if (d === undefined) return 'ends with a lone backslash';
      if (/[1-9]/.test(d) || d === 'k') return 'has a backreference';
      let end = i + 2;
      if ((d === 'p' || d === 'P' || d === 'u') && source[end] === '{') {
        const close = source.indexOf('}', end);
        if (close < 0) return 'has an unclosed escape';
        end = close + 1;
      } else if (d === 'u') end = i + 6;
      else if (d === 'x') end = i + 4;
      else if (d === 'c') end = i + 3;
      const src = source.slice(i, end);
      atom = d === 'b' || d === 'B' ? null : { src, group: null };
      i = end;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (source[j] === '^') j++;
      if (source[j] === ']') j++;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      if (j >= source.length) return 'has an unclosed character class';
      atom = { src: source.slice(i, j + 1), group: null };
      i = j + 1;
      continue;
    }
    if (c === '(') {
      if (/^\(\?(=|!|<=|<!)/.test(source.slice(i, i + 4))) return 'has a lookaround';
      let j = i + 1;
      if (source[j] === '?') {
        if (source[j + 1] === ':') j += 2;
        else if (source[j + 1] === '<') {
          const close = source.indexOf('>', j);
          if (close < 0) return 'has an unclosed group name';
          j = close + 1;
        } else return 'has an unsupported group';
      }
      stack.push({ alternation: false, quantified: false });
      atom = null;
      i = j;
      continue;
    }
    if (c === ')') {
      if (stack.length < 2) return 'has an unbalanced parenthesis';
      const f = stack.pop()!;
      const outer = stack[stack.length - 1];
      outer.alternation ||= f.alternation;
      outer.quantified ||= f.quantified;
      atom = { src: null, group: f };
      i++;
      continue;
    }
    if (c === '|') {
      stack[stack.length - 1].alternation = true;
      atom = null;
      i++;
      continue;
    }
    const q = /^(?:[*+?]|\{(\d+)(,(\d*))?\})/.exec(source.slice(i));
    if (q) {
      if (atom === null) return `has a quantifier ${JSON.stringify(q[0])} with nothing to repeat`;
      const hasMax = q[0] === '?' || (q[0][0] === '{' && (q[2] === undefined || q[3] !== ''));
      const max = q[0] === '?' ? 1 : q[0][0] === '{' ? Number(q[2] === undefined ? q[1] : q[3]) : Infinity;
      if (hasMax && max > MAX_BOUND) return `has a bound of ${max}; at most ${MAX_BOUND}`;
      if (atom.group && (atom.group.alternation || atom.group.quantified)) return 'repeats a group that holds a quantifier or an alternation (nested repetition)';
      if (!hasMax) {
        if (++unbounded > 1) return 'has more than one unbounded quantifier (*, +, {m,})';
        if (atom.src === null) return 'repeats a group without bound; only a single character may be';
        let re: RegExp;
        try {
          re = new RegExp(`^${atom.src}$`, flags.replace('g', ''));
        } catch {
          return 'does not compile';
        }
        if (SPACES.some((s) => re.test(s))) return `repeats ${atom.src}, which matches whitespace, without bound`;
      }
      stack[stack.length - 1].quantified = true;
      i += q[0].length;
      if (source[i] === '?') i++; // lazy
      atom = null;
      continue;
    }
    atom = c === '^' || c === '$' ? null : { src: c === '.' ? '.' : source.slice(i, i + 1).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'), group: null };
    i++;
  }
  if (stack.length !== 1) return 'has an unclosed group';
  return null;
}
