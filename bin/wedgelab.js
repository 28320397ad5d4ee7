#!/usr/bin/env node
// Launcher for the WedgeLab command line: runs the TypeScript entry point through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
