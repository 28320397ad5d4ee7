// The registry, walked: every method has what the page, the worker, the CLI and the bench read from it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCHES } from './benches.ts';
import { isLearned, METHODS, methodChoices, methodDefinition, methodFlags, methodForCliName, methodLabel, resolveRequest } from './registry.ts';
import { RUNNERS } from './runners.ts';

const root = join(import.meta.dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('method registry', () => {
  const input = { nx: 64, ny: 48, nTilts: 41 };

  it('gives every method a label, help, flags, a page form, a runner and a bench', () => {
    expect(METHODS.map((d) => [d.name, d.kind])).toEqual([
      ['fbp', 'reconstruction'],
      ['sirt', 'reconstruction'],
      ['coordnet', 'reconstruction'],
      ['localnet', 'reconstruction'],
      ['gaussian', 'refinement'],
      ['deconv', 'refinement'],
      ['cryogen', 'refinement'],
      ['isonet', 'refinement'],
      ['reproject', 'tiltSynthesis'],
      ['latentbp', 'tiltSynthesis'],
    ]);
    for (const definition of METHODS) {
      const { name } = definition;
      expect(definition.title, name).not.toBe('');
      expect(definition.menuLabel.startsWith(definition.title), name).toBe(true);
      expect(definition.help.length, name).toBeGreaterThan(40);
      // The page's form holds the method's own settings; with the shared ones they make complete, valid parameters.
      const defaults = definition.defaults(input);
      const form = definition.formDefaults() as object;
      expect(Object.keys({ ...defaults, ...form }).sort(), name).toEqual(Object.keys(defaults).sort());
      const params = { ...defaults, ...form } as typeof defaults;
      expect(() => methodDefinition(name).validate(params), name).not.toThrow();
      expect(methodLabel(name, params).startsWith(`${definition.title} (`), name).toBe(true);
      for (const flag of methodFlags(name)) {
        expect(flag.help, `${name} --${flag.name}`).not.toBe('');
        expect(flag.param === undefined || flag.param in params, `${name} --${flag.name}`).toBe(true);
      }
      expect(typeof RUNNERS[name].run, name).toBe('function');
      expect(BENCHES[name].title, name).not.toBe('');
    }
  });

  it('resolves a request once: defaults, checks, and the label the result will carry', () => {
    expect(resolveRequest({ method: 'sirt', params: { iterations: 3 } }, input)).toEqual({
      method: 'sirt',
      params: { thickness: 16, binning: 1, invertAngles: false, subtractMean: false, iterations: 3, relaxation: 1, positivity: false, textbookWeights: false },
      label: 'SIRT (3 it, λ 1, thickness 16, bin 1)',
    });
    expect(() => resolveRequest({ method: 'sirt', params: { iterations: 0 } }, input)).toThrow(/at least 1 iteration/);
    expect(() => resolveRequest({ method: 'fbp', params: { binning: 64 } }, input)).toThrow(/binning 64 leaves no image/);
    expect(() => resolveRequest({ method: 'fbp' }, { ...input, nx: 1 })).toThrow('the tilts are 1 pixel wide: a tomogram needs tilts at least 2 pixels wide');
    expect(() => resolveRequest({ method: 'coordnet', params: { width: 0 } }, input)).toThrow(/width must be a whole number ≥ 1/);
    expect(() => resolveRequest({ method: 'fbp', params: { filter: { name: 'radial', cutoff: 0, falloff: 0 } } }, input)).toThrow(/pass nothing/);
    expect(resolveRequest({ method: 'coordnet' }, input).label).toContain('params/measurements');
  });

  it('marks the learned methods, whose results get a trust score', () => {
    expect(METHODS.filter((d) => isLearned(d.name)).map((d) => d.name)).toEqual(['coordnet', 'localnet', 'cryogen', 'isonet', 'latentbp']);
    expect(isLearned('ground-truth')).toBe(false);
  });

  it('accepts aliases on the command line, presetting parameters', () => {
    expect(methodChoices('reconstruction')).toEqual(['fbp', 'sirt', 'coordnet', 'localnet', 'localnet-wavelet']);
    expect(methodChoices('refinement')).toEqual(['gaussian', 'deconv', 'cryogen', 'isonet']);
    expect(methodChoices('tiltSynthesis')).toEqual(['reproject', 'latentbp']);
    expect(methodForCliName('localnet-wavelet')).toEqual({ method: 'localnet', preset: { model: 'broad96-p11-wavelet' } });
    expect(methodForCliName('sirt')).toEqual({ method: 'sirt', preset: {} });
    expect(methodForCliName('art')).toBeUndefined();
  });

  it('is the only place outside a method\'s own folder that tells methods apart by name', () => {
    const names = METHODS.map((d) => d.name).join('|');
    // A comparison or a switch case on a method's name literal.
    const byName = new RegExp(`(===|!==|case)\\s*['"](${names})['"]|['"](${names})['"]\\s*(===|!==)`);
    const offenders = ['src', 'workers']
      .flatMap((dir) => sourceFiles(join(root, dir)))
      .map((path) => relative(root, path))
      .filter((path) => !new RegExp(`^src/engine/methods/(${names})/`).test(path))
      .filter((path) => readFileSync(join(root, path), 'utf8').split('\n').some((line) => byName.test(line)));
    expect(offenders).toEqual([]);
  });
});
