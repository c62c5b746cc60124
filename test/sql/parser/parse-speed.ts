/**
 * Parse speed of typical statements (statements per second of CPU time, best of 5 rounds),
 * split into lexing, lexing + parsing, and the whole parse() with AST building. Run by hand:
 *
 *   npx tsx test/sql/parser/parse-speed.ts
 */
import { BailErrorStrategy, CommonTokenStream, PredictionMode } from 'antlr4ng';
import { HeliosSQLLexer } from '../../../src/sql/grammar/generated/HeliosSQLLexer.js';
import { HeliosSQLParser } from '../../../src/sql/grammar/generated/HeliosSQLParser.js';
import { StringCharStream } from '../../../src/sql/parser/char-stream.js';
import { parse } from '../../../src/sql/parser/index.js';

const chars = new StringCharStream('');
const lexer = new HeliosSQLLexer(chars);
lexer.removeErrorListeners();
const tokens = new CommonTokenStream(lexer);
const parser = new HeliosSQLParser(tokens);
parser.removeErrorListeners();
parser.errorHandler = new BailErrorStrategy();
parser.interpreter.predictionMode = PredictionMode.SLL;

const cases: Record<string, (i: number) => string> = {
  'INSERT VALUES': (i) => `INSERT INTO tab0 VALUES(${i},${(i * 7) % 100},'text ${i}')`,
  'SELECT (typical)': (i) => `SELECT a, b + ${i} AS x FROM t1 WHERE c > ${i} AND d IN (1, 2, 3) ORDER BY a LIMIT 10`,
  'SELECT (slt random)': (i) =>
    `SELECT ALL - col2 * - ${i} + + col1 AS col1 FROM tab2 AS cor0 WHERE NOT ( + col0 ) BETWEEN NULL AND ( - col1 )`,
  'SELECT (join)': (i) =>
    `SELECT t.id, u.name FROM accounts AS t JOIN users u ON u.id = t.owner WHERE t.balance > ${i} GROUP BY u.name HAVING count(*) > 1`,
};

function lexOnly(s: string): void {
  chars.load(s);
  lexer.inputStream = chars;
  tokens.setTokenSource(lexer);
  tokens.fill();
}

function lexParse(s: string): void {
  chars.load(s);
  lexer.inputStream = chars;
  tokens.setTokenSource(lexer);
  parser.tokenStream = tokens;
  parser.script();
}

const phases: [string, (s: string) => unknown][] = [
  ['lex', lexOnly],
  ['lex+parse', lexParse],
  ['parse() → AST', parse],
];
const best = new Map<string, number>();
for (let round = 0; round < 5; round++) {
  for (const [name, make] of Object.entries(cases)) {
    for (const [phase, run] of phases) {
      const n = 5000;
      for (let i = 0; i < 500; i++) run(make(i));
      const c0 = process.cpuUsage();
      for (let i = 0; i < n; i++) run(make(i));
      const c = process.cpuUsage(c0);
      const perSecond = n / ((c.user + c.system) / 1e6);
      const key = `${name.padEnd(20)} ${phase.padEnd(14)}`;
      best.set(key, Math.max(best.get(key) ?? 0, perSecond));
    }
  }
}
for (const [key, perSecond] of best) console.log(`${key} ${Math.round(perSecond).toLocaleString('en')} statements/s`);
