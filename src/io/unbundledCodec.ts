/**
 * Stands in, in the page's build, for numcodecs' Blosc, LZ4 and Zstandard codecs (vite.config.ts aliases them here):
 * zarrita's default registry imports them lazily, but they are Emscripten builds that evaluate strings, which the
 * page's Content Security Policy refuses, and ./omeZarrRead.ts registers WedgeLab's own decoders (./blosc.ts) in
 * their place. So they are never loaded, and 1.3 MB of them need not be bundled or cached for offline use.
 */
export default class UnbundledCodec {
  static fromConfig(): never {
    throw new Error("numcodecs' WebAssembly codecs are not bundled: WedgeLab decodes Blosc, LZ4 and Zstandard itself (src/io/blosc.ts)");
  }
}
