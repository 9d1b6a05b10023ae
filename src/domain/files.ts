/**
 * What an end user may send: a few common, harmless types, recognised by their content
 * (magic bytes), never by the name or the type the browser claims. SVG and HTML are not
 * among them: they can carry script.
 */
export const FILE_TYPES = {
  'image/png': { ext: ['png'], image: true },
  'image/jpeg': { ext: ['jpg', 'jpeg'], image: true },
  'image/gif': { ext: ['gif'], image: true },
  'image/webp': { ext: ['webp'], image: true },
  'application/pdf': { ext: ['pdf'], image: false },
  'text/plain': { ext: ['txt', 'log', 'csv'], image: false },
} as const;
export type FileType = keyof typeof FILE_TYPES;

/** Bytes needed to recognise every binary type above. */
export const SNIFF_BYTES = 12;

const starts = (b: Uint8Array, sig: readonly number[], at = 0): boolean => sig.every((x, i) => b[at + i] === x);
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** The binary type whose signature the file starts with; undefined when none does (maybe text). */
export function sniff(head: Uint8Array): Exclude<FileType, 'text/plain'> | undefined {
  if (starts(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts(head, ascii('GIF87a')) || starts(head, ascii('GIF89a'))) return 'image/gif';
  if (starts(head, ascii('RIFF')) && starts(head, ascii('WEBP'), 8)) return 'image/webp';
  if (starts(head, ascii('%PDF-'))) return 'application/pdf';
  return undefined;
}

/**
 * Plain text, checked as it streams: valid UTF-8 (a BOM allowed) with no control characters
 * but tab, line feed, form feed and carriage return. Anything binary fails at its first byte.
 */
export class TextCheck {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  ok = true;

  push(chunk: Uint8Array): boolean {
    if (!this.ok) return false;
    try {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what marks a file as not text
      this.ok = !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(this.decoder.decode(chunk, { stream: true }));
    } catch {
      this.ok = false;
    }
    return this.ok;
  }

  /** After the last chunk: a UTF-8 sequence cut at the end fails too. */
  end(): boolean {
    if (!this.ok) return false;
    try {
      this.decoder.decode();
    } catch {
      this.ok = false;
    }
    return this.ok;
  }
}

const extOf = (name: string): string | undefined => /\.([A-Za-z0-9]{1,10})$/.exec(name)?.[1]?.toLowerCase();

/**
 * The name a file is kept and shown under: no path, no control characters, at most 255
 * characters. Undefined when its extension says another type than its content (a
 * disguised file); a name without an extension gets the type's own.
 */
export function nameFor(raw: string, type: FileType): string | undefined {
  const base =
    (raw.split(/[\\/]/).pop() ?? '')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: a file name loses its control characters
      .replace(/[\u0000-\u001f\u007f"]/g, '')
      .trim()
      .slice(-200) || 'file';
  const ext = extOf(base);
  const allowed: readonly string[] = FILE_TYPES[type].ext;
  if (ext === undefined) return `${base}.${allowed[0]}`;
  return allowed.includes(ext) ? base : undefined;
}
