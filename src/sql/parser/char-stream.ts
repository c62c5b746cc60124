/**
 * A CharStream over a JavaScript string, by UTF-16 code unit.
 *
 * antlr4ng's own `CharStream.fromString` copies the text into an array of code points, which
 * costs an allocation per character and makes token offsets count code points. Reading
 * code units directly is faster and keeps every offset (token start/stop, `Pos.offset`,
 * source-text slices) a plain JavaScript string index. Characters outside the BMP are two
 * code units, both in 0xD800–0xDFFF, which the lexer accepts wherever it accepts non-ASCII
 * letters (identifiers, strings, comments).
 */
import { Token, type CharStream, type Interval } from 'antlr4ng';

export class StringCharStream implements CharStream {
  name = '<sql>';
  index = 0;
  private text: string;

  constructor(text: string) {
    this.text = text;
  }

  /** Points the stream at a new text (lets one lexer be reused for every statement). */
  load(text: string): void {
    this.text = text;
    this.index = 0;
  }

  reset(): void {
    this.index = 0;
  }

  consume(): void {
    if (this.index >= this.text.length) throw new Error('cannot consume EOF');
    this.index++;
  }

  LA(offset: number): number {
    if (offset === 0) return 0;
    const pos = offset < 0 ? this.index + offset : this.index + offset - 1;
    if (pos < 0 || pos >= this.text.length) return Token.EOF;
    return this.text.charCodeAt(pos);
  }

  mark(): number {
    return -1;
  }

  release(_marker: number): void {
    // the whole text is in memory; nothing to release
  }

  seek(index: number): void {
    this.index = index <= this.index ? index : Math.min(index, this.text.length);
  }

  get size(): number {
    return this.text.length;
  }

  getSourceName(): string {
    return this.name;
  }

  getTextFromRange(start: number, stop?: number): string {
    const end = stop === undefined ? this.text.length : stop + 1;
    return this.text.slice(start, end);
  }

  getTextFromInterval(interval: Interval): string {
    return this.getTextFromRange(interval.start, interval.stop);
  }

  toString(): string {
    return this.text;
  }
}
