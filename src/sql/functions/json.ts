/**
 * The JSON SQL functions (json.c): json, json_array, json_array_length, json_error_position,
 * json_extract, -> and ->>, json_insert, json_object, json_patch, json_pretty, json_quote,
 * json_remove, json_replace, json_set, json_type, json_valid, the json_group_array and
 * json_group_object aggregates, and the rows of the json_each / json_tree table functions.
 *
 * JSON text produced by these functions carries SQLite's JSON subtype (see CallOptions):
 * such arguments are embedded as JSON rather than as strings. JSONB blobs are not supported:
 * a BLOB argument is read as JSON text, as SQLite does for blobs that are not JSONB.
 */
import { Decimal, type SqlValue } from '../../objects/index.js';
import { atoi64, intValue, jsonText, numResult, realToLiteral, realToText, toText, utf8Decode } from '../values/index.js';
import { functionError, jsonMalformed } from './errors.js';
import type { AggregateFunction, CallOptions, ScalarFunction } from './types.js';

const {
  J,
  JSON_TYPE_NAMES,
  parseJson,
  renderJson,
  renderJsonPretty,
  quoteJsonString,
  nodeValue,
  nodeText,
  lookupPath,
  lookupResult,
  cloneNode,
  jnode,
  layoutJson,
  MalformedJson,
  LOOKUP_NOTFOUND,
  LOOKUP_NOTARRAY,
  LOOKUP_ERROR,
  LOOKUP_TOODEEP,
  EDIT_DEL,
  EDIT_INS,
  EDIT_REPL,
  EDIT_SET,
  isStrictJson,
  isJsonb,
  decodeJsonb,
  jsonbValidity,
} = jsonText;
type JNode = jsonText.JNode;

// ---------------------------------------------------------------------------------------------
// Parsing arguments (with a small cache: a statement often parses the same document per row)

const parseCache = new Map<string, JNode>();
const PARSE_CACHE_MAX = 16;

function parseText(text: string): JNode {
  const hit = parseCache.get(text);
  if (hit) return hit;
  if (text.length === 0) throw jsonMalformed();
  const r = parseJson(text);
  if (r.root === undefined) throw jsonMalformed();
  if (text.length < 65536) {
    if (parseCache.size >= PARSE_CACHE_MAX) parseCache.delete(parseCache.keys().next().value!);
    parseCache.set(text, r.root);
  }
  return r.root;
}

function decodeBlob(b: Uint8Array): JNode {
  try {
    return decodeJsonb(b).root;
  } catch (e) {
    if (e instanceof MalformedJson) throw jsonMalformed();
    throw e;
  }
}

/**
 * The JSON document given as an argument (read-only; clone before editing). NULL → undefined.
 * A BLOB is read as JSONB when it looks like JSONB, else as JSON text (SQLite does the same).
 */
function docArg(v: SqlValue): JNode | undefined {
  if (v === null) return undefined;
  if (v instanceof Uint8Array) return isJsonb(v) ? decodeBlob(v) : parseText(utf8Decode(v));
  return parseText(toText(v)!);
}

function isJsonArg(opts: CallOptions | undefined, i: number): boolean {
  return opts?.jsonArgs !== undefined && (opts.jsonArgs & (1 << i)) !== 0;
}

function blobError(): Error {
  return functionError('JSON_BLOB', 'JSON cannot hold BLOB values');
}

/** An SQL value as a JSON node to insert (jsonFunctionArgToBlob). */
function valueNode(v: SqlValue, isJson: boolean): JNode {
  if (v === null) return jnode(J.NULL);
  switch (typeof v) {
    case 'string':
      if (isJson) return cloneNode(parseText(v));
      return jnode(J.TEXTRAW, v);
    case 'bigint':
      return jnode(J.INT, v.toString());
    case 'number': {
      if (v !== v) return jnode(J.NULL);
      const t = realToText(v);
      if (t[0] === 'I') return jnode(J.FLOAT, '9e999');
      if (t[0] === '-' && t[1] === 'I') return jnode(J.FLOAT, '-9e999');
      return jnode(J.FLOAT, t);
    }
    default:
      if (v instanceof Decimal) return jnode(v.scale === 0 ? J.INT : J.FLOAT, v.toString());
      if (isJsonb(v)) return cloneNode(decodeBlob(v));
      throw blobError();
  }
}

/** An SQL value as JSON text (jsonAppendSqlValue). */
function valueJson(v: SqlValue, isJson: boolean): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return isJson ? v : quoteJsonString(v);
    case 'bigint':
      return v.toString();
    case 'number':
      return realToLiteral(v);
    default:
      if (v instanceof Decimal) return v.toString();
      if (isJsonb(v)) return render(decodeBlob(v));
      throw blobError();
  }
}

function quoteSql(s: string): string {
  const z = s.indexOf('\0');
  const t = z < 0 ? s : s.slice(0, z);
  return "'" + t.replace(/'/g, "''") + "'";
}

function badPath(path: string, rc: number): Error {
  if (rc === LOOKUP_NOTARRAY) return functionError('JSON_PATH', `not an array element: ${quoteSql(path)}`);
  if (rc === LOOKUP_ERROR) return jsonMalformed();
  if (rc === LOOKUP_TOODEEP) return functionError('JSON_PATH', 'JSON path too deep');
  return functionError('JSON_PATH', `bad JSON path: ${quoteSql(path)}`);
}

function render(node: JNode): string {
  try {
    return renderJson(node);
  } catch (e) {
    if (e instanceof MalformedJson) throw jsonMalformed();
    throw e;
  }
}

function value(node: JNode): SqlValue {
  try {
    return nodeValue(node);
  } catch (e) {
    if (e instanceof MalformedJson) throw jsonMalformed();
    throw e;
  }
}

function pathText(v: SqlValue): string | null {
  if (v === null) return null;
  const t = toText(v)!;
  const z = t.indexOf('\0');
  return z < 0 ? t : t.slice(0, z);
}

// ---------------------------------------------------------------------------------------------
// json_extract, -> and ->>

function isAllAlnum(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
    if (!ok) return false;
  }
  return true;
}

/** The `$`-less path for an abbreviated `->`/`->>` path argument. */
function abbreviatedPath(arg: SqlValue, text: string): string {
  if (typeof arg === 'bigint') return '[' + (text[0] === '-' ? '#' : '') + text + ']';
  if (isAllAlnum(text)) return '.' + text;
  if (text[0] === '[' && text.length >= 3 && text[text.length - 1] === ']') return text;
  return '."' + text + '"';
}

/**
 * The `->` (asText = false: JSON text, carrying the JSON subtype) and `->>` (asText = true:
 * the SQL value) operators. Paths may be abbreviated: `'a'` → `$.a`, `2` → `$[2]`, `-1` →
 * `$[#-1]`.
 */
export function jsonArrow(json: SqlValue, path: SqlValue, asText: boolean): SqlValue {
  const doc = docArg(json);
  if (doc === undefined) return null;
  const p = pathText(path);
  if (p === null) return null;
  const rest = p[0] === '$' ? p.slice(1) : abbreviatedPath(path, p);
  const rc = lookupPath(doc, rest);
  if (rc === LOOKUP_NOTFOUND) return null;
  if (rc < 0) throw badPath(p, rc);
  const node = lookupResult.node!;
  return asText ? value(node) : render(node);
}

function extractImpl(args: SqlValue[], opts?: CallOptions): SqlValue {
  if (args.length < 2) return null;
  const doc = docArg(args[0]!);
  if (doc === undefined) return null;
  const parts: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const p = pathText(args[i]!);
    if (p === null) return null;
    if (p[0] !== '$') throw badPath(p, 0);
    const rc = lookupPath(doc, p.slice(1));
    if (rc === 0) {
      const node = lookupResult.node!;
      if (args.length === 2) {
        if (node.t >= J.ARRAY && opts) opts.jsonResult = true;
        return value(node);
      }
      parts.push(render(node));
    } else if (rc === LOOKUP_NOTFOUND) {
      if (args.length === 2) return null;
      parts.push('null');
    } else {
      throw badPath(p, rc);
    }
  }
  if (opts) opts.jsonResult = true;
  return '[' + parts.join(',') + ']';
}

// ---------------------------------------------------------------------------------------------
// Editing functions

function editImpl(name: string, edit: number, args: SqlValue[], opts?: CallOptions): SqlValue {
  if (args.length < 1) return null;
  if ((args.length & 1) === 0) throw functionError('JSON_ARGS', `json_${name}() needs an odd number of arguments`);
  const doc0 = docArg(args[0]!);
  if (doc0 === undefined) return null;
  let doc = args.length === 1 ? doc0 : cloneNode(doc0);
  for (let i = 1; i < args.length - 1; i += 2) {
    const pv = args[i]!;
    if (pv === null) continue;
    const p = pathText(pv)!;
    if (p[0] !== '$') throw badPath(p, 0);
    const ins = valueNode(args[i + 1]!, isJsonArg(opts, i + 1));
    let rc = 0;
    if (p.length === 1) {
      if (edit === EDIT_REPL || edit === EDIT_SET) doc = ins;
    } else {
      rc = lookupPath(doc, p.slice(1), edit, ins);
    }
    if (rc === LOOKUP_NOTFOUND) continue;
    if (rc < 0) throw badPath(p, rc);
  }
  if (opts) opts.jsonResult = true;
  return render(doc);
}

function removeImpl(args: SqlValue[], opts?: CallOptions): SqlValue {
  if (args.length < 1) return null;
  const doc0 = docArg(args[0]!);
  if (doc0 === undefined) return null;
  const doc = args.length > 1 ? cloneNode(doc0) : doc0;
  for (let i = 1; i < args.length; i++) {
    const p = pathText(args[i]!);
    if (p === null) return null;
    if (p[0] !== '$') throw badPath(p, 0);
    if (p.length === 1) return null;
    const rc = lookupPath(doc, p.slice(1), EDIT_DEL);
    if (rc === LOOKUP_NOTFOUND) continue;
    if (rc < 0) throw badPath(p, rc);
  }
  if (opts) opts.jsonResult = true;
  return render(doc);
}

function labelsEqual(a: JNode, b: JNode): boolean {
  const rawA = a.t === J.TEXT || a.t === J.TEXTRAW;
  const rawB = b.t === J.TEXT || b.t === J.TEXTRAW;
  if (rawA && rawB) return a.s === b.s;
  return nodeText(a) === nodeText(b);
}

/** RFC 7396 MergePatch, as SQLite implements it. */
function mergePatch(target: JNode, patch: JNode, depth: number): JNode {
  if (patch.t !== J.OBJECT) return cloneNode(patch);
  if (depth >= jsonText.JSON_MAX_DEPTH) throw functionError('JSON_TOO_DEEP', 'JSON nested too deep');
  if (target.t !== J.OBJECT) target = jnode(J.OBJECT, '', []);
  const pa = patch.a!;
  const ta = target.a!;
  for (let k = 0; k + 1 < pa.length; k += 2) {
    const label = pa[k]!;
    const val = pa[k + 1]!;
    if (label.t < J.TEXT || label.t > J.TEXTRAW) throw jsonMalformed();
    let found = -1;
    for (let j = 0; j + 1 < ta.length; j += 2) {
      if (labelsEqual(label, ta[j]!)) {
        found = j;
        break;
      }
    }
    if (found >= 0) {
      if (val.t === J.NULL) ta.splice(found, 2);
      else ta[found + 1] = mergePatch(ta[found + 1]!, val, depth + 1);
    } else if (val.t !== J.NULL) {
      if (val.t !== J.OBJECT) ta.push(cloneNode(label), cloneNode(val));
      else ta.push(cloneNode(label), mergePatch(jnode(J.NULL), val, depth + 1));
    }
  }
  return target;
}

// ---------------------------------------------------------------------------------------------
// json_valid, json_error_position

/** json_valid(X, FLAGS) for text: 1 canonical RFC 8259, 2 JSON5 allowed (4/8: JSONB). */
function validImpl(args: SqlValue[]): SqlValue {
  let flags = 1;
  if (args.length === 2) {
    const fi = intValue(args[1]!);
    if (fi < 1n || fi > 15n) throw functionError('JSON_VALID_FLAGS', 'FLAGS parameter to json_valid() must be between 1 and 15');
    flags = Number(fi) & 0x0f;
  }
  const x = args[0]!;
  if (x === null) return null;
  if (x instanceof Uint8Array && isJsonb(x)) {
    if (flags & 0x04) return 1n;
    if (flags & 0x08) return jsonbValidity(x, 0, x.length, 1) === 0 ? 1n : 0n;
    return 0n;
  }
  if ((flags & 0x3) === 0) return 0n;
  const text = x instanceof Uint8Array ? utf8Decode(x) : toText(x)!;
  if (text.length === 0) return 0n;
  const r = parseJson(text);
  if (r.root === undefined) return 0n;
  return (flags & 0x02) !== 0 || !r.hasNonstd ? 1n : 0n;
}

function errorPositionImpl(x: SqlValue): SqlValue {
  if (x === null) return null;
  if (x instanceof Uint8Array && isJsonb(x)) return BigInt(jsonbValidity(x, 0, x.length, 1));
  const text = x instanceof Uint8Array ? utf8Decode(x) : toText(x)!;
  const r = parseJson(text);
  if (r.root !== undefined) return 0n;
  let pos = 0;
  const end = Math.min(r.errorAt, text.length);
  for (let k = 0; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c === 0) break;
    if (c >= 0xdc00 && c <= 0xdfff && k > 0) {
      const p = text.charCodeAt(k - 1);
      if (p >= 0xd800 && p <= 0xdbff) continue;
    }
    pos++;
  }
  return BigInt(pos + 1);
}

/** True when the text is valid JSON for a JSON column: strict RFC 8259 (json_valid(x, 1)). */
export function isValidJson(text: string): boolean {
  return isStrictJson(text);
}

// ---------------------------------------------------------------------------------------------
// Function table

function jfn(
  name: string,
  minArgs: number,
  maxArgs: number,
  call: (args: SqlValue[], opts?: CallOptions) => SqlValue,
  flags: { subtypeArgs?: boolean; subtypeResult?: boolean } = {},
): ScalarFunction {
  return { name, minArgs, maxArgs, deterministic: true, call: (args, _ctx, opts) => call(args, opts), ...flags };
}

const JSON_RESULT = { subtypeResult: true };
const JSON_BOTH = { subtypeArgs: true, subtypeResult: true };

export const jsonFunctions: ScalarFunction[] = [
  jfn(
    'json',
    1,
    1,
    ([x], opts) => {
      const doc = docArg(x!);
      if (doc === undefined) return null;
      if (opts) opts.jsonResult = true;
      return render(doc);
    },
    JSON_RESULT,
  ),
  jfn(
    'json_array',
    0,
    -1,
    (args, opts) => {
      const parts = args.map((a, i) => valueJson(a, isJsonArg(opts, i)));
      if (opts) opts.jsonResult = true;
      return '[' + parts.join(',') + ']';
    },
    JSON_BOTH,
  ),
  jfn('json_array_length', 1, 2, (args) => {
    const doc = docArg(args[0]!);
    if (doc === undefined) return null;
    let node = doc;
    if (args.length === 2) {
      const p = pathText(args[1]!);
      if (p === null) return null;
      const rc = lookupPath(doc, p[0] === '$' ? p.slice(1) : '@');
      if (rc === LOOKUP_NOTFOUND) return null;
      if (rc < 0) throw badPath(p, rc);
      node = lookupResult.node!;
    }
    return node.t === J.ARRAY ? BigInt(node.a!.length) : 0n;
  }),
  jfn('json_error_position', 1, 1, ([x]) => errorPositionImpl(x!)),
  jfn('json_extract', 1, -1, (args, opts) => extractImpl(args, opts), JSON_RESULT),
  jfn('json_insert', 1, -1, (args, opts) => editImpl('insert', EDIT_INS, args, opts), JSON_BOTH),
  jfn('json_replace', 1, -1, (args, opts) => editImpl('replace', EDIT_REPL, args, opts), JSON_BOTH),
  jfn('json_set', 1, -1, (args, opts) => editImpl('set', EDIT_SET, args, opts), JSON_BOTH),
  jfn('json_remove', 1, -1, (args, opts) => removeImpl(args, opts), JSON_RESULT),
  jfn(
    'json_object',
    0,
    -1,
    (args, opts) => {
      if (args.length & 1) throw functionError('JSON_ARGS', 'json_object() requires an even number of arguments');
      let out = '{';
      let blob: Error | undefined; // SQLite keeps going after a BLOB value; a later bad label wins
      for (let i = 0; i < args.length; i += 2) {
        const k = args[i]!;
        if (typeof k !== 'string') throw functionError('JSON_ARGS', 'json_object() labels must be TEXT');
        const v = args[i + 1]!;
        if (v instanceof Uint8Array && !isJsonb(v)) {
          blob ??= blobError();
          continue;
        }
        out += (i ? ',' : '') + quoteJsonString(k) + ':' + valueJson(v, isJsonArg(opts, i + 1));
      }
      if (blob) throw blob;
      if (opts) opts.jsonResult = true;
      return out + '}';
    },
    JSON_BOTH,
  ),
  jfn(
    'json_patch',
    2,
    2,
    ([t, p], opts) => {
      const target = docArg(t!);
      if (target === undefined) return null;
      const patch = docArg(p!);
      if (patch === undefined) return null;
      const merged = mergePatch(cloneNode(target), patch, 0);
      if (opts) opts.jsonResult = true;
      return render(merged);
    },
    JSON_RESULT,
  ),
  jfn('json_pretty', 1, 2, (args) => {
    const doc = docArg(args[0]!);
    if (doc === undefined) return null;
    let indent = '    ';
    if (args.length === 2 && args[1] !== null) indent = toText(args[1]!)!;
    try {
      return renderJsonPretty(doc, indent);
    } catch (e) {
      if (e instanceof MalformedJson) throw jsonMalformed();
      throw e;
    }
  }),
  jfn(
    'json_quote',
    1,
    1,
    ([x], opts) => {
      const r = valueJson(x!, isJsonArg(opts, 0));
      if (opts) opts.jsonResult = true;
      return r;
    },
    JSON_BOTH,
  ),
  jfn('json_type', 1, 2, (args) => {
    const doc = docArg(args[0]!);
    if (doc === undefined) return null;
    let node = doc;
    if (args.length === 2) {
      const p = pathText(args[1]!);
      if (p === null) return null;
      if (p[0] !== '$') throw badPath(p, 0);
      const rc = lookupPath(doc, p.slice(1));
      if (rc === LOOKUP_NOTFOUND) return null;
      if (rc < 0) throw badPath(p, rc);
      node = lookupResult.node!;
    }
    return JSON_TYPE_NAMES[node.t]!;
  }),
  jfn('json_valid', 1, 2, (args) => validImpl(args)),
];

// ---------------------------------------------------------------------------------------------
// Aggregates

interface GroupState {
  parts: string[];
}

export const jsonAggregates: AggregateFunction[] = [
  {
    name: 'json_group_array',
    minArgs: 1,
    maxArgs: 1,
    subtypeArgs: true,
    subtypeResult: true,
    init: (): GroupState => ({ parts: [] }),
    step(state, args, opts) {
      const s = state as GroupState;
      s.parts.push(valueJson(args[0]!, isJsonArg(opts, 0)));
      return s;
    },
    final: (state) => '[' + (state as GroupState).parts.join(',') + ']',
  } satisfies AggregateFunction<GroupState> as AggregateFunction,
  {
    name: 'json_group_object',
    minArgs: 2,
    maxArgs: 2,
    subtypeArgs: true,
    subtypeResult: true,
    init: (): GroupState => ({ parts: [] }),
    step(state, args, opts) {
      const s = state as GroupState;
      const k = args[0]!;
      if (k === null) return s;
      let name = toText(k)!;
      const z = name.indexOf('\0');
      if (z >= 0) name = name.slice(0, z);
      s.parts.push(quoteJsonString(name) + ':' + valueJson(args[1]!, isJsonArg(opts, 1)));
      return s;
    },
    final: (state) => '{' + (state as GroupState).parts.join(',') + '}',
  } satisfies AggregateFunction<GroupState> as AggregateFunction,
];

// ---------------------------------------------------------------------------------------------
// json_each / json_tree

/** One row of json_each / json_tree. `value` is JSON text when `type` is array or object. */
export interface JsonEachRow {
  key: SqlValue;
  value: SqlValue;
  type: string;
  atom: SqlValue;
  id: bigint;
  parent: SqlValue;
  fullkey: string;
  path: string;
}

interface Parent {
  iHead: number;
  iValue: number;
  iEnd: number;
  nPath: number;
  iKey: number;
}

/** Rows of `json_each(json [, path])`. */
export function* jsonEach(json: SqlValue, path?: SqlValue): Generator<JsonEachRow, void, undefined> {
  yield* eachRows(json, path, false);
}

/** Rows of `json_tree(json [, path])`. */
export function* jsonTree(json: SqlValue, path?: SqlValue): Generator<JsonEachRow, void, undefined> {
  yield* eachRows(json, path, true);
}

function* eachRows(json: SqlValue, rootArg: SqlValue | undefined, recursive: boolean): Generator<JsonEachRow, void, undefined> {
  if (json === null) return;
  let doc: JNode;
  let layout: Map<JNode, jsonText.NodeLayout>;
  if (json instanceof Uint8Array && isJsonb(json)) {
    try {
      ({ root: doc, layout } = decodeJsonb(json));
    } catch (e) {
      if (e instanceof MalformedJson) throw jsonMalformed();
      throw e;
    }
  } else {
    const text = json instanceof Uint8Array ? utf8Decode(json) : toText(json)!;
    const parsed = text.length === 0 ? undefined : parseJson(text).root;
    if (parsed === undefined) throw jsonMalformed();
    doc = parsed;
    layout = layoutJson(doc);
  }
  const byOff = new Map<number, JNode>();
  for (const [n, l] of layout) byOff.set(l.off, n);
  const typeAt = (i: number): number => byOff.get(i)!.t;
  const hdr = (i: number): number => layout.get(byOff.get(i)!)!.hdr;
  const size = (i: number): number => layout.get(byOff.get(i)!)!.sz;

  let pi: number;
  let eType: number;
  let nRoot: number;
  let pathStr: string;
  let rootNode: number;
  if (rootArg !== undefined) {
    if (rootArg === null) return;
    const zRoot = pathText(rootArg)!;
    if (zRoot[0] !== '$') throw badPath(zRoot, 0);
    nRoot = zRoot.length;
    if (zRoot.length === 1) {
      rootNode = pi = 0;
      eType = 0;
    } else {
      const rc = lookupPath(doc, zRoot.slice(1));
      if (rc === LOOKUP_NOTFOUND) return;
      if (rc < 0) throw badPath(zRoot, 0);
      rootNode = layout.get(lookupResult.node!)!.off;
      if (lookupResult.label) {
        pi = layout.get(lookupResult.label)!.off;
        eType = J.OBJECT;
      } else {
        pi = rootNode;
        eType = J.ARRAY;
      }
    }
    pathStr = zRoot;
  } else {
    rootNode = pi = 0;
    eType = 0;
    nRoot = 1;
    pathStr = '$';
  }
  const parents: Parent[] = [];
  const iEnd = rootNode + hdr(rootNode) + size(rootNode);
  if (typeAt(rootNode) >= J.ARRAY && !recursive) {
    pi = rootNode + hdr(rootNode);
    eType = typeAt(rootNode);
    parents.push({ iKey: 0, iEnd, iHead: pi, iValue: rootNode, nPath: pathStr.length });
  }
  let rowid = 0;

  const skipLabel = (): number => (eType === J.OBJECT ? pi + hdr(pi) + size(pi) : pi);
  const pathName = (): string => {
    if (eType === J.ARRAY) return '[' + parents[parents.length - 1]!.iKey + ']';
    const z = byOff.get(pi)!.s;
    let needQuote = z.length === 0 || !/^[A-Za-z]/.test(z);
    if (!needQuote && !/^[A-Za-z0-9]*$/.test(z)) needQuote = true;
    return needQuote ? '."' + z + '"' : '.' + z;
  };
  const pathLength = (): number => {
    let n = pathStr.length;
    if (rowid === 0 && recursive && n >= 2) {
      while (n > 1) {
        n--;
        const c = pathStr[n];
        if (c === '[' || c === '.') {
          const rc = lookupPath(doc, pathStr.slice(1, n));
          if (rc < 0) continue;
          const x = layout.get(lookupResult.node!)!;
          if (x.off + x.hdr === pi) break;
        }
      }
    }
    return n;
  };

  while (pi < iEnd) {
    // --- emit the current row
    const vi = skipLabel();
    const vnode = byOff.get(vi)!;
    let key: SqlValue = null;
    const nParent = parents.length;
    if (nParent === 0) {
      if (nRoot !== 1) {
        const j = pathLength();
        const n = nRoot - j;
        if (n !== 0) {
          if (pathStr[j] === '[') {
            atoi64(pathStr.slice(j + 1, j + n));
            key = numResult.int;
          } else if (pathStr[j + 1] === '"') {
            key = pathStr.slice(j + 2, j + 2 + n - 3);
          } else {
            key = pathStr.slice(j + 1, j + n);
          }
        }
      }
    } else if (eType === J.OBJECT) {
      key = value(byOff.get(pi)!);
    } else {
      key = BigInt(parents[nParent - 1]!.iKey);
    }
    const row: JsonEachRow = {
      key,
      value: value(vnode),
      type: JSON_TYPE_NAMES[vnode.t]!,
      atom: vnode.t < J.ARRAY ? value(vnode) : null,
      id: BigInt(pi),
      parent: nParent > 0 && recursive ? BigInt(parents[nParent - 1]!.iHead) : null,
      fullkey: nParent ? pathStr + pathName() : pathStr,
      path: pathStr.slice(0, pathLength()),
    };
    yield row;
    // --- advance (jsonEachNext)
    if (recursive) {
      let levelChange = false;
      const i = skipLabel();
      const x = typeAt(i);
      const n = hdr(i);
      const sz = size(i);
      if (x === J.OBJECT || x === J.ARRAY) {
        levelChange = true;
        const parent: Parent = { iHead: pi, iValue: i, iEnd: i + n + sz, iKey: -1, nPath: pathStr.length };
        if (eType && parents.length) pathStr += pathName();
        parents.push(parent);
        pi = i + n;
      } else {
        pi = i + n + sz;
      }
      while (parents.length > 0 && pi >= parents[parents.length - 1]!.iEnd) {
        const p = parents.pop()!;
        pathStr = pathStr.slice(0, p.nPath);
        levelChange = true;
      }
      if (levelChange) {
        eType = parents.length > 0 ? typeAt(parents[parents.length - 1]!.iValue) : 0;
      }
    } else {
      const i = skipLabel();
      pi = i + hdr(i) + size(i);
    }
    if (eType === J.ARRAY && parents.length) parents[parents.length - 1]!.iKey++;
    rowid++;
  }
}
