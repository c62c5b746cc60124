/**
 * Ref names and ref expressions: what a branch, tag or remote name may contain, and the parser
 * for `base~k`, `base^`, `base^n` suffixes.
 *
 * Names follow Git's `check-ref-format` rules (so every name can be a Git ref and a file path):
 * at most 255 characters; no control characters or whitespace; none of `~ ^ : ? * [ \`; no `..`
 * or `@{`; not `@` or `HEAD`; no leading `-`; no leading, trailing or doubled `/`; no path
 * component that starts with `.` or ends with `.lock`; no trailing `.`. `/` separates
 * components (`feature/login`). A remote-tracking name is `<remote>/<branch>` where the remote
 * name is a valid name without `/`.
 */
import { InvalidRefNameError } from '../errors/index.js';

export const MAX_REF_NAME_LENGTH = 255;

/** Why `name` is not a valid branch/tag/remote name, or `undefined` when it is valid. */
export function refNameProblem(name: string): string | undefined {
  if (typeof name !== 'string') return 'not a string';
  if (name.length === 0) return 'empty';
  if (name.length > MAX_REF_NAME_LENGTH) return `longer than ${MAX_REF_NAME_LENGTH} characters`;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return 'contains a control character';
  }
  if (/\s/u.test(name)) return 'contains whitespace';
  const bad = /[~^:?*[\\]/.exec(name);
  if (bad) return `contains "${bad[0]}"`;
  if (name.includes('..')) return 'contains ".."';
  if (name.includes('@{')) return 'contains "@{"';
  if (name === '@') return '"@" is reserved';
  if (name === 'HEAD') return '"HEAD" is reserved';
  if (name.startsWith('-')) return 'starts with "-"';
  if (name.startsWith('/') || name.endsWith('/')) return 'starts or ends with "/"';
  if (name.includes('//')) return 'contains "//"';
  if (name.endsWith('.')) return 'ends with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return 'a component starts with "."';
    if (part.endsWith('.lock')) return 'a component ends with ".lock"';
  }
  return undefined;
}

/** Throws `InvalidRefNameError` unless `name` is a valid branch or tag name. */
export function checkRefName(name: string): void {
  const problem = refNameProblem(name);
  if (problem !== undefined) throw new InvalidRefNameError(String(name), problem);
}

/** Throws `InvalidRefNameError` unless `name` is `<remote>/<branch>`. Returns both parts. */
export function checkRemoteRefName(name: string): { remote: string; branch: string } {
  checkRefName(name);
  const slash = name.indexOf('/');
  if (slash < 0) throw new InvalidRefNameError(name, 'a remote-tracking ref is "<remote>/<branch>"');
  return { remote: name.slice(0, slash), branch: name.slice(slash + 1) };
}

/** One navigation step: `~k` (k-th first-parent ancestor) or `^n` (n-th parent; 0 = itself). */
export type RefStep = { op: '~'; n: number } | { op: '^'; n: number };

export interface RefExpression {
  base: string;
  steps: RefStep[];
}

/** Split `main~2^2` into its base (`main`) and steps. `InvalidRefNameError` on bad syntax. */
export function parseRefExpression(text: string): RefExpression {
  if (typeof text !== 'string') throw new TypeError('a ref must be a string');
  const cut = text.search(/[~^]/);
  const base = cut < 0 ? text : text.slice(0, cut);
  if (text.length === 0) throw new InvalidRefNameError(text, 'empty');
  if (base.length === 0) throw new InvalidRefNameError(text, 'missing the ref before "~" or "^"');
  const steps: RefStep[] = [];
  if (cut >= 0) {
    const re = /([~^])(\d*)/y;
    re.lastIndex = cut;
    while (re.lastIndex < text.length) {
      const m = re.exec(text);
      if (m === null) throw new InvalidRefNameError(text, `unexpected "${text[re.lastIndex]}" after the ref`);
      const digits = m[2] as string;
      const n = digits === '' ? 1 : Number(digits);
      if (!Number.isSafeInteger(n)) throw new InvalidRefNameError(text, `number too large: ${digits}`);
      steps.push({ op: m[1] as '~' | '^', n });
    }
  }
  return { base, steps };
}

/** Text that could be (a prefix of) a CID's base32 text form: `b` then at least 10 base32 digits. */
export function looksLikeCidPrefix(text: string): boolean {
  return /^b[a-z2-7]{10,}$/.test(text);
}
