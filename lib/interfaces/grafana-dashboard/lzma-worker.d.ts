/**
 * Types of the one file of the `lzma` package (LZMA-JS 2.3.2) we load: `src/lzma_worker.js`, a
 * CommonJS script that exports the synchronous codec as `LZMA_WORKER`. Importing it directly
 * (not the package's `index.js`, which `require`s it through a computed path) lets esbuild bundle
 * it.
 */
declare module "lzma/src/lzma_worker.js" {
  /** The codec: modes 1 (fast) to 9; byte values may come back signed. */
  export const LZMA_WORKER: {
    compress(data: Uint8Array, mode: number): Uint8Array | number[];
    decompress(data: Uint8Array): Uint8Array | number[] | string;
  };
}
