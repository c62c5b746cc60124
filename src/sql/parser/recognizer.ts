/**
 * Runs the generated ANTLR lexer and parser: one reused lexer, token stream and parser,
 * two-stage prediction (SLL with a bail-out error strategy first, full LL only when SLL
 * fails), and the translation of ANTLR's failures into `SqlSyntaxError` in SQLite's words
 * (`near "X": syntax error`, `incomplete input`, `unrecognized token: "X"`).
 *
 * Everything here is synchronous and not re-entrant: a parse never calls back into user code,
 * so sharing the instances is safe. A stack overflow (absurdly deep nesting) becomes a
 * `SqlSyntaxError` too, and the shared instances are reset before every parse.
 */
import {
  BailErrorStrategy,
  CommonTokenStream,
  ParseCancellationException,
  PredictionMode,
  RecognitionException,
  Token,
  type ParserRuleContext,
} from 'antlr4ng';
import { SqlSyntaxError } from '../../errors/index.js';
import { HeliosSQLLexer } from '../grammar/generated/HeliosSQLLexer.js';
import { HeliosSQLParser } from '../grammar/generated/HeliosSQLParser.js';
import { StringCharStream } from './char-stream.js';

/** Token types the parser never accepts: malformed literals and stray characters. */
const UNRECOGNIZED = new Set<number>([
  HeliosSQLLexer.BAD_NUMBER,
  HeliosSQLLexer.BAD_BLOB,
  HeliosSQLLexer.UNTERMINATED_STRING,
  HeliosSQLLexer.UNTERMINATED_BLOB,
  HeliosSQLLexer.UNTERMINATED_QUOTED,
  HeliosSQLLexer.UNEXPECTED_CHAR,
]);

/** Builds the SQLite-style error for a parse that failed at `token` (EOF → incomplete input). */
export function syntaxErrorAt(token: Token | null | undefined, text: string): SqlSyntaxError {
  if (!token || token.type === Token.EOF) {
    const { line, column } = lineColumnAt(text, text.length);
    return new SqlSyntaxError('incomplete input', { line, column, offset: text.length });
  }
  const tokenText = text.slice(token.start, token.stop + 1);
  const position = { line: token.line, column: token.column + 1, offset: token.start, token: tokenText };
  if (UNRECOGNIZED.has(token.type)) return new SqlSyntaxError(`unrecognized token: "${tokenText}"`, position);
  return new SqlSyntaxError(`near "${tokenText}": syntax error`, position);
}

/** 1-based line and column of a 0-based offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Remembers the furthest token any decision looked at. When a parse fails, that token is where
 * the input stopped being a prefix of any statement, which is the token an LALR parser such as
 * SQLite's reports ("near X"); ANTLR itself often reports an earlier one, because a decision
 * whose every alternative fails may still choose to leave the rule and fail later.
 */
class TrackingTokenStream extends CommonTokenStream {
  furthest = -1;

  override LT(k: number): Token | null {
    const t = super.LT(k);
    if (t !== null && t.tokenIndex > this.furthest) this.furthest = t.tokenIndex;
    return t;
  }
}

/** The shared lexer and parser, made on first use (deserialising the ATN takes a few ms). */
interface Recognizers {
  chars: StringCharStream;
  lexer: HeliosSQLLexer;
  tokens: TrackingTokenStream;
  parser: HeliosSQLParser;
}

let shared: Recognizers | undefined;

function recognizers(): Recognizers {
  if (shared) return shared;
  const chars = new StringCharStream('');
  const lexer = new HeliosSQLLexer(chars);
  lexer.removeErrorListeners();
  const tokens = new TrackingTokenStream(lexer);
  const parser = new HeliosSQLParser(tokens);
  parser.removeErrorListeners();
  parser.errorHandler = new BailErrorStrategy();
  shared = { chars, lexer, tokens, parser };
  return shared;
}

/** Counters for tests and benchmarks: how often the LL fallback ran. */
export const recognizerStats = { parses: 0, llFallbacks: 0 };

type EntryRule<T extends ParserRuleContext> = (p: HeliosSQLParser) => T;

function offendingToken(e: unknown, { parser, tokens }: Recognizers): Token | null {
  const cause = e instanceof ParseCancellationException ? (e.cause as unknown) : e;
  const reported = cause instanceof RecognitionException ? (cause.offendingToken ?? parser.getCurrentToken()) : parser.getCurrentToken();
  if (tokens.furthest >= 0 && (!reported || tokens.furthest > reported.tokenIndex)) return tokens.get(tokens.furthest);
  return reported;
}

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError;
}

function stackOverflowError(text: string, parser: HeliosSQLParser): SqlSyntaxError {
  let token: Token | null = null;
  try {
    token = parser.getCurrentToken();
  } catch {
    token = null;
  }
  const offset = token && token.type !== Token.EOF ? token.start : 0;
  const { line, column } = lineColumnAt(text, offset);
  return new SqlSyntaxError('parser stack overflow (statement nested too deeply)', { line, column, offset });
}

/**
 * Lexes and parses `text` with the entry rule `rule`, returning the parse tree.
 * Throws `SqlSyntaxError` on any error.
 */
export function recognize<T extends ParserRuleContext>(text: string, rule: EntryRule<T>): T {
  recognizerStats.parses++;
  const r = recognizers();
  const { chars, lexer, tokens, parser } = r;
  chars.load(text);
  lexer.inputStream = chars;
  tokens.setTokenSource(lexer);
  try {
    parser.tokenStream = tokens;
    parser.interpreter.predictionMode = PredictionMode.SLL;
    try {
      return rule(parser);
    } catch (e) {
      if (!(e instanceof ParseCancellationException)) throw e;
    }
    // SLL could not parse it: either a real error or a decision that needs full context.
    recognizerStats.llFallbacks++;
    tokens.seek(0);
    tokens.furthest = -1;
    parser.tokenStream = tokens;
    parser.interpreter.predictionMode = PredictionMode.LL;
    try {
      return rule(parser);
    } catch (e) {
      if (e instanceof ParseCancellationException || e instanceof RecognitionException) {
        throw syntaxErrorAt(offendingToken(e, r), text);
      }
      throw e;
    }
  } catch (e) {
    if (e instanceof SqlSyntaxError) throw e;
    if (isStackOverflow(e)) throw stackOverflowError(text, parser);
    throw e;
  }
}

/** Number of decision DFA states currently cached (for benchmarks). */
export function cachedDfaStates(): number {
  let n = 0;
  for (const dfa of recognizers().parser.interpreter.decisionToDFA) n += dfa.length;
  return n;
}
