#!/usr/bin/env node
// The `crew` executable. `crew start` forks its first child before anything else loads (see
// lib/primary/fork-child.ts), then the command line proper runs.
import { forkAhead } from '../lib/primary/fork-child.js';

const args = process.argv.slice(2);
if (args[0] === 'start' && !args.some((arg) => arg === '--help' || arg === '-h' || arg === '--version')) forkAhead();

await import('./program.js');
