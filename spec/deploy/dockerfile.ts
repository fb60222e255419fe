// Reads a Dockerfile and a .dockerignore the way `docker build` does, for the specs that
// reproduce the image without a Docker engine: instructions per stage (line continuations,
// comments, exec and shell forms), and which files of the build context survive the ignore
// file. Only what this project's Dockerfile uses is understood; anything else is an error
// naming it, so a new instruction is taught here rather than silently skipped.
import fs from 'node:fs';
import path from 'node:path';

export interface Instruction {
  /** Upper case: FROM, RUN, COPY, ... */
  keyword: string;
  /** The text after the keyword, continuations joined. */
  text: string;
  /** The exec form's list (`["node", "x"]`), or undefined for the shell form. */
  exec?: string[];
  /** `--from=build`, `--interval=15s`: flags before the arguments. */
  flags: Record<string, string>;
  /** What follows the flags, split on white space (shell form). */
  args: string[];
}

export interface Stage {
  name?: string;
  base: string;
  instructions: Instruction[];
}

export function readDockerfile(file: string): Stage[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const logical: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (current === '' && /^\s*#/.test(line)) continue;
    if (current !== '' && /^\s*#/.test(line)) continue; // a comment inside a continuation
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim() !== '') logical.push(current.trim());
    current = '';
  }
  if (current.trim() !== '') logical.push(current.trim());

  const stages: Stage[] = [];
  for (const line of logical) {
    const match = /^([A-Za-z]+)\s+([\s\S]*)$/.exec(line);
    if (!match) throw new Error(`${file}: cannot read the line "${line}"`);
    const instruction = parseInstruction(match[1]!.toUpperCase(), match[2]!.trim());
    if (instruction.keyword === 'FROM') {
      const [base, as, name] = instruction.args;
      stages.push({ base: base!, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${file}: ${instruction.keyword} before any FROM`);
    stage.instructions.push(instruction);
  }
  return stages;
}

function parseInstruction(keyword: string, text: string): Instruction {
  const flags: Record<string, string> = {};
  let rest = text;
  for (;;) {
    const flag = /^--([a-z-]+)=(\S+)\s*/.exec(rest);
    if (!flag) break;
    flags[flag[1]!] = flag[2]!;
    rest = rest.slice(flag[0].length);
  }
  // HEALTHCHECK's own command follows the word CMD.
  const body = keyword === 'HEALTHCHECK' ? rest.replace(/^CMD\s+/, '') : rest;
  let exec: string[] | undefined;
  if (body.startsWith('[')) {
    const parsed = JSON.parse(body) as unknown;
    if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) throw new Error(`${keyword}: the exec form must be a list of strings, found ${body}`);
    exec = parsed as string[];
  }
  return { keyword, text, ...(exec ? { exec } : {}), flags, args: body.split(/\s+/).filter(Boolean) };
}

/** The instructions of one keyword in a stage. */
export function all(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}

/** The last instruction of one keyword in a stage (Docker keeps the last CMD, ENTRYPOINT, ...). */
export function last(stage: Stage, keyword: string): Instruction | undefined {
  return all(stage, keyword).at(-1);
}

/**
 * A .dockerignore as a predicate on paths relative to the context root ("lib/x.ts"). Docker's
 * rules: a pattern starts at the root, `*` and `?` stay within one path element, `**` spans
 * any number, a path is excluded when it or one of its parent folders matches, `!` re-includes,
 * and the last matching line wins.
 */
export function readDockerignore(file: string): (relative: string) => boolean {
  const rules = fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'))
        .map((line) => {
          const negate = line.startsWith('!');
          const pattern = path.posix.normalize((negate ? line.slice(1) : line).replace(/^\/+/, ''));
          return { negate, regex: globToRegex(pattern) };
        })
    : [];
  return (relative) => {
    const parts = relative.split('/');
    let ignored = false;
    for (const rule of rules) {
      for (let i = 1; i <= parts.length; i++) {
        if (rule.regex.test(parts.slice(0, i).join('/'))) {
          ignored = !rule.negate;
          break;
        }
      }
    }
    return ignored;
  };
}

function globToRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // "**/" matches zero or more folders; a trailing "**" anything.
      if (pattern[i + 2] === '/') {
        out += '(?:.*/)?';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** Copies `from` (a file or folder of the context) to `to`, leaving out what the ignore file excludes. */
export function copyFromContext(context: string, source: string, to: string, ignored: (relative: string) => boolean): number {
  let copied = 0;
  const walk = (relative: string, target: string) => {
    if (ignored(relative)) return;
    const absolute = path.join(context, relative);
    const stat = fs.statSync(absolute);
    if (stat.isDirectory()) {
      fs.mkdirSync(target, { recursive: true });
      for (const entry of fs.readdirSync(absolute)) walk(path.posix.join(relative, entry), path.join(target, entry));
    } else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(absolute, target);
      copied += 1;
    }
  };
  walk(path.posix.normalize(source), to);
  return copied;
}
