/**
 * SQL value semantics: affinity, conversions and CAST, comparison and ordering, arithmetic,
 * LIKE/GLOB, REAL formatting and the JSON text engine — SQLite's rules, plus exact DECIMAL.
 */
export type { Affinity } from './convert.js';
export {
  affinityOf,
  applyAffinity,
  castValue,
  intValue,
  parseDecimalType,
  realIntegerAffinity,
  realSameAsInt,
  realToI64,
  realValue,
  textNumericAffinity,
  textToNumber,
  toBlob,
  toDecimal,
  toInteger,
  toNumeric,
  toReal,
  toText,
  truthValue,
  truthy,
} from './convert.js';
export type { Collation, CompareOperator } from './compare.js';
export { compareIntReal, compareOp, compareText, compareValues, compareWithAffinity, comparisonAffinity, isOp } from './compare.js';
export {
  add,
  bitAnd,
  bitNot,
  bitOr,
  concat,
  DECIMAL_DIV_MIN_SCALE,
  div,
  mod,
  mul,
  negate,
  numericValue,
  shiftLeft,
  shiftRight,
  sub,
  unaryPlus,
} from './arithmetic.js';
export { foldAscii, globMatch, likeMatch } from './pattern.js';
export { formatFloat, realToLiteral, realToText, type FloatFlags } from './real-format.js';
export { atof, atoi64, decOrHexToI64, fpDecode, isSpaceCode, numResult, type FpDecoded } from './numeric-text.js';
export { advanceCodePoints, codePointLength, compareBytes, compareCodePoints, utf8Decode, utf8Encode, utf8Length } from './utf8.js';
export * as jsonText from './json-text.js';
export { isStrictJson } from './json-text.js';
