import { describe, expect, it } from 'vitest';
import { nameFor, sniff, TextCheck } from '../../src/domain/files.js';

const bytes = (...xs: Array<number | string>) =>
  Buffer.concat(xs.map((x) => (typeof x === 'number' ? Buffer.from([x]) : Buffer.from(x, 'latin1'))));

describe('file types by content', () => {
  it('recognises each accepted binary type by its first bytes, and nothing else', () => {
    expect(sniff(bytes(0x89, 'PNG\r\n', 0x1a, '\n', 'rest'))).toBe('image/png');
    expect(sniff(bytes(0xff, 0xd8, 0xff, 0xe0, 'JFIF'))).toBe('image/jpeg');
    expect(sniff(bytes('GIF89a....'))).toBe('image/gif');
    expect(sniff(bytes('GIF87a....'))).toBe('image/gif');
    expect(sniff(bytes('RIFF', 0, 0, 0, 0, 'WEBPVP8 '))).toBe('image/webp');
    expect(sniff(bytes('RIFF', 0, 0, 0, 0, 'WAVEfmt '))).toBeUndefined();
    expect(sniff(bytes('%PDF-1.4'))).toBe('application/pdf');
    expect(sniff(bytes('<svg xmlns="http://www.w3.org/2000/svg">'))).toBeUndefined();
    expect(sniff(bytes('MZ', 0x90, 0))).toBeUndefined();
    expect(sniff(bytes(0x89, 'PN'))).toBeUndefined();
  });

  it('text: UTF-8 split across chunks passes; a control character, bad UTF-8 or a cut sequence fails', () => {
    const ok = new TextCheck();
    const e = Buffer.from('café\tlog\r\n', 'utf8');
    expect(ok.push(e.subarray(0, 4))).toBe(true); // "caf" and half of "é"
    expect(ok.push(e.subarray(4))).toBe(true);
    expect(ok.end()).toBe(true);
    const nul = new TextCheck();
    expect(nul.push(Buffer.from('abc\u0000def'))).toBe(false);
    expect(new TextCheck().push(bytes('abc', 0xff, 'def'))).toBe(false);
    const cut = new TextCheck();
    expect(cut.push(Buffer.from('caf\xc3', 'latin1'))).toBe(true);
    expect(cut.end()).toBe(false);
    expect(new TextCheck().push(Buffer.from('escape \u001b[31m red'))).toBe(false);
  });

  it('a name must agree with the content; no path, no control characters; no extension gets one', () => {
    expect(nameFor('shot.PNG', 'image/png')).toBe('shot.PNG');
    expect(nameFor('photo.jpeg', 'image/jpeg')).toBe('photo.jpeg');
    expect(nameFor('photo.png', 'application/pdf')).toBeUndefined();
    expect(nameFor('run.exe', 'text/plain')).toBeUndefined();
    expect(nameFor('../../etc/passwd', 'text/plain')).toBe('passwd.txt');
    expect(nameFor('C:\\Users\\z\\bug.log', 'text/plain')).toBe('bug.log');
    expect(nameFor('a"b\r\n.txt', 'text/plain')).toBe('ab.txt');
    expect(nameFor('', 'image/gif')).toBe('file.gif');
  });
});
