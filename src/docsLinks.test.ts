/**
 * Every link to a section of the project's docs (a page's path, '#' and the section's anchor, in code, cards, scripts
 * and docs; or '(#' and an anchor within a page) names a heading that exists, and every relative link of a markdown
 * file names a file that exists, so that moving or renaming a section or a file cannot leave readers at a dead link.
 * Anchors are GitHub's: the heading in lower case, punctuation dropped, each space a hyphen, repeats numbered.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEARCHED = ['README.md', 'docs', 'src', 'workers', 'e2e', 'models', 'bench', 'bin', 'public'];
const TEXT = /\.(ts|tsx|md|py|sh|json|mjs|cjs|html)$/;
const SKIPPED = new Set(['node_modules', 'dist', '.git']);

function textFiles(path: string): string[] {
  const full = join(ROOT, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return TEXT.test(path) ? [path] : [];
  return readdirSync(full, { withFileTypes: true })
    .filter((e) => !SKIPPED.has(e.name))
    .flatMap((e) => (e.isDirectory() ? textFiles(join(path, e.name)) : TEXT.test(e.name) ? [join(path, e.name)] : []));
}

/** GitHub's anchor of each heading of a markdown text, outside code fences. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = heading[1].toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The markdown file a link names: beside the file that links, from the root, or in docs/. */
function target(from: string, file: string): string | null {
  const candidates = [join(dirname(from), file), file, join('docs', file.split('/').pop() ?? file)];
  return candidates.find((c) => existsSync(join(ROOT, c))) ?? null;
}

interface SectionLink {
  from: string;
  file: string;
  anchor: string;
}

function sectionLinks(): SectionLink[] {
  const links: SectionLink[] = [];
  for (const from of SEARCHED.flatMap(textFiles)) {
    const text = readFileSync(join(ROOT, from), 'utf8');
    for (const m of text.matchAll(/([\w./-]*\.md)#([\w-]+)/g)) links.push({ from, file: target(from, m[1]) ?? m[1], anchor: m[2] });
    if (from.endsWith('.md')) for (const m of text.matchAll(/\]\(#([\w-]+)\)/g)) links.push({ from, file: from, anchor: m[1] });
  }
  return links;
}

/** Relative links of the markdown files to other files (images, pages, scripts), each as written and resolved. */
function fileLinks(): { from: string; path: string }[] {
  return SEARCHED.flatMap(textFiles)
    .filter((from) => from.endsWith('.md'))
    .flatMap((from) => [...readFileSync(join(ROOT, from), 'utf8').matchAll(/\]\(([^)#\s:]+)(?:#[^)]*)?\)/g)].map((m) => ({ from, path: join(dirname(from), m[1]) })));
}

describe('links in the docs', () => {
  it('reads anchors as GitHub makes them', () => {
    const anchors = headingAnchors('# FSC\n## Less noisy data: +10 and +20 dB (2026-12-04)\n```\n# not a heading\n```\n## FSC\n### `validate.py`, held out');
    expect([...anchors]).toEqual(['fsc', 'less-noisy-data-10-and-20-db-2026-12-04', 'fsc-1', 'validatepy-held-out']);
  });

  it('to files name files that exist', () => {
    const links = fileLinks();
    expect(links.length).toBeGreaterThan(20);
    expect(links.filter(({ path }) => !existsSync(join(ROOT, path))).map(({ from, path }) => `${from}: ${path}`)).toEqual([]);
  });

  it('to sections name headings that exist', () => {
    const links = sectionLinks();
    expect(links.length).toBeGreaterThan(100);
    const anchorsOf = new Map<string, Set<string>>();
    const dead = links.filter(({ file, anchor }) => {
      if (!existsSync(join(ROOT, file))) return true;
      if (!anchorsOf.has(file)) anchorsOf.set(file, headingAnchors(readFileSync(join(ROOT, file), 'utf8')));
      return !anchorsOf.get(file)?.has(anchor);
    });
    expect(dead.map(({ from, file, anchor }) => `${from}: ${file}#${anchor}`)).toEqual([]);
  });
});
