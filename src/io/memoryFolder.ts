/** For tests of saved sessions (savedSession.ts): a folder in memory, in place of the browser's OPFS. */
import type { SessionFile, SessionFolder } from './savedSession.ts';

/** An in-memory stand-in for an OPFS folder; `failAfter` bytes written in all make the next write fail as a full quota does. */
export function memoryFolder(failAfter = Infinity): SessionFolder & { files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  let written = 0;
  const handle = (name: string): SessionFile => ({
    getFile: async () => new Blob([new Uint8Array(files.get(name) ?? new Uint8Array(0))]),
    createWritable: async () => {
      const parts: Uint8Array[] = [];
      return {
        async write(data: BufferSource) {
          const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice() : new Uint8Array(data.slice(0));
          written += bytes.length;
          if (written > failAfter) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          parts.push(bytes); // the file keeps what it held until close(), as OPFS's swap file does
        },
        async close() {
          const whole = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
          let at = 0;
          for (const p of parts) {
            whole.set(p, at);
            at += p.length;
          }
          files.set(name, whole);
        },
        async abort() {},
      };
    },
  });
  return {
    files,
    async getFileHandle(name, options) {
      if (!files.has(name) && !options?.create) throw new DOMException(`${name} not found`, 'NotFoundError');
      if (!files.has(name)) files.set(name, new Uint8Array(0));
      return handle(name);
    },
    async removeEntry(name) {
      files.delete(name);
    },
    async *keys() {
      yield* [...files.keys()];
    },
  };
}
