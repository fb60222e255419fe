#!/usr/bin/env node
// The `crew` executable. It moves to the project's folder (./project-folder.ts); `crew start`
// then forks its first child before anything else loads (see lib/primary/fork-child.ts), and
// the command line proper runs.
import { forkAhead } from '../lib/primary/fork-child.js';
import { enterProjectFolder } from './project-folder.js';

enterProjectFolder();
const args = process.argv.slice(2);
if (args[0] === 'start' && !args.some((arg) => arg === '--help' || arg === '-h' || arg === '--version')) forkAhead();

await import('./program.js');
