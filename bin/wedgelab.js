#!/usr/bin/env node
// Launcher for the WedgeLab command line: runs the TypeScript entry point through tsx.
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

// WebAssembly compiled by V8's baseline compiler (Liftoff) only, set before any module is compiled. Otherwise V8
// re-optimises onnxruntime-web's 26 MB wasm in the background, and the process waits for that before it exits:
// on 2 busy cores `refine --method isonet` of 64×64×16 took 46 s instead of 2.3 s, and of 192×192×64 69 s instead
// of 18 s (docs/benchmarks.md). The numbers computed are the same; only how V8 compiles the wasm differs.
setFlagsFromString('--liftoff-only');
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
