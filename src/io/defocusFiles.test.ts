import { describe, expect, it } from 'vitest';
import { defocusOutliers, formatImodDefocus, isDefocusFile, readDefocusFile } from './defocusFiles.ts';
import { MICROSCOPE_ROW, planSeries, readSideFiles } from './sideFiles.ts';

const tlt = (angles: number[]) => ({ name: 'TS.tlt', text: angles.map((a) => `${a}\n`).join('') });

describe('CTF estimates beside a stack', () => {
  it('knows the files by name: IMOD .defocus, AreTomo _CTF.txt and CTFFIND text', () => {
    expect(['TS.defocus', 'TS_01_CTF.txt', 'ctffind_output.txt'].map(isDefocusFile)).toEqual([true, true, true]);
    expect(['TS.tlt', 'notes.txt', 'TS.defocus.bak', 'ctf_run_TLT.txt'].map(isDefocusFile)).toEqual([false, false, false, false]);
  });

  it('reads ctfplotter version 2: one view per line in nm, the version after the first defocus', () => {
    const text = '1 1 -30.00 -30.00 3012.5 2\n2 2 0.00 0.00 2950.0\n3 3 30.00 30.00 3105.0\n';
    const estimate = readDefocusFile({ name: 'TS.defocus', text }, 3);
    expect(estimate.defocus).toEqual([3.0125, 2.95, 3.105].map((d) => expect.closeTo(d, 12)));
    expect(estimate.astigmatism).toBe(0);
    expect(estimate.warnings).toEqual([]);
  });

  it('writes version 2 as it reads it (the simulator writes its defocus so)', () => {
    const text = formatImodDefocus([-30, 0, 32.5], [3.0125, 2.95, 3.1]);
    expect(text).toBe('1\t1\t-30.00\t-30.00\t3012.5\t2\n2\t2\t0.00\t0.00\t2950.0\n3\t3\t32.50\t32.50\t3100.0\n');
    const estimate = readDefocusFile({ name: 'TS.defocus', text }, 3);
    expect(estimate.defocus).toEqual([3.0125, 2.95, 3.1].map((d) => expect.closeTo(d, 12)));
    expect(estimate.warnings).toEqual([]);
    expect(() => formatImodDefocus([0, 1], [3])).toThrow(/1 defocus values for 2 tilts/);
  });

  it('reads version 3 with astigmatism (its header line skipped), averaging the two axes', () => {
    const text = '1 0 0. 0. 0 3\n1 1 -30.0 -30.0 3100.0 2900.0 45.0\n3 3 30.0 30.0 3300.0 3100.0 40.0\n';
    const estimate = readDefocusFile({ name: 'TS.defocus', text }, 4);
    // Views 1 and 3 given: view 2 between them, view 4 takes view 3's.
    expect(estimate.defocus).toEqual([3.0, 3.1, 3.2, 3.2].map((d) => expect.closeTo(d, 12)));
    expect(estimate.astigmatism).toBeCloseTo(0.2, 12);
    expect(estimate.phaseShift).toBeUndefined();
    // Flags 1 + 4: astigmatism, then a phase-plate shift in degrees (as AreTomo writes its IMOD form); interpolated like the defocus.
    const plate = readDefocusFile({ name: 'TS.defocus', text: '5 0 0. 0. 0 3\n1 1 -30.0 -30.0 3100.0 2900.0 45.0 36.0\n3 3 30.0 30.0 3300.0 3100.0 40.0 72.0\n' }, 3);
    expect(plate.phaseShift).toEqual([0.2 * Math.PI, 0.3 * Math.PI, 0.4 * Math.PI].map((p) => expect.closeTo(p, 12)));
    // The astigmatism as half the difference along twice the angle (degrees), interpolated as those components:
    // view 1: 0.1 µm at 45° → (0, 0.1); view 3: 0.1 µm at 40° → 0.1·(cos 80°, sin 80°); view 2 halfway.
    const at = (half: number, degrees: number) => [half * Math.cos((2 * degrees * Math.PI) / 180), half * Math.sin((2 * degrees * Math.PI) / 180)];
    const [v1, v3] = [at(0.1, 45), at(0.1, 40)];
    const components = (list: number[][]) => ({ cos2: list.map((v) => expect.closeTo(v[0], 12)), sin2: list.map((v) => expect.closeTo(v[1], 12)) });
    expect(estimate.astigmaticAxes).toEqual(components([v1, [(v1[0] + v3[0]) / 2, (v1[1] + v3[1]) / 2], v3, v3]));
    // Flags 2 and 8: the angle and the shift in radians (ctfplotter's DEF_FILE_ASTIG_IN_RAD and phase-in-radians).
    const radians = readDefocusFile({ name: 'TS.defocus', text: `15 0 0. 0. 0 3\n1 1 0.0 0.0 3100.0 2900.0 ${Math.PI / 4} 0.5\n` }, 1);
    expect(radians.astigmaticAxes).toEqual(components([at(0.1, 45)]));
    expect(radians.phaseShift).toEqual([0.5]);
    // Without astigmatism, none.
    expect(readDefocusFile({ name: 'TS.defocus', text: '1 0 0. 0. 0 3\n1 1 0.0 0.0 3000.0 3000.0 45.0\n' }, 1).astigmaticAxes).toBeUndefined();
  });

  it('gives an old range line to its middle view and warns that old files may be off by one', () => {
    const estimate = readDefocusFile({ name: 'old.defocus', text: '1 5 -60 -45 4000\n' }, 5);
    expect(estimate.defocus).toEqual([4, 4, 4, 4, 4]);
    expect(estimate.warnings[0]).toMatch(/^old\.defocus: an IMOD defocus file older than version 2/);
  });

  it('reads CTFFIND and AreTomo rows in Å, images from 1, and a phase plate', () => {
    const text = '# Output from CTFFind version 4.1.14\n# Columns: #1 - micrograph number; #2 - defocus 1 [Angstroms]; …\n1 30500 29500 12.0 0.0 0.12 8.5\n2 31000.0 30000.0 -4.0 0.0 0.10 9.1\n';
    const estimate = readDefocusFile({ name: 'TS_CTF.txt', text }, 2);
    expect(estimate.defocus).toEqual([3.0, 3.05].map((d) => expect.closeTo(d, 12)));
    expect(estimate.astigmatism).toBeCloseTo(0.1, 12);
    // The azimuth (degrees) is defocus 1's axis: image 1 0.05 µm along 12°, image 2 along −4°.
    const components = [[0.05, 12], [0.05, -4]].map(([h, a]) => [h * Math.cos((2 * a * Math.PI) / 180), h * Math.sin((2 * a * Math.PI) / 180)]);
    expect(estimate.astigmaticAxes).toEqual({ cos2: components.map((c) => expect.closeTo(c[0], 12)), sin2: components.map((c) => expect.closeTo(c[1], 12)) });
    expect(estimate.phaseShift).toBeUndefined();
    expect(estimate.microscope).toBeUndefined();
    // In radians; CTFFIND's own header names the microscope.
    const header = '# Output from CTFFind version 4.1.14, run on 2023-02-02 15:13:07\n# Pixel size: 1.000 Angstroms ; acceleration voltage: 200.0 keV ; spherical aberration: 0.01 mm ; amplitude contrast: 0.10\n';
    const plate = readDefocusFile({ name: 'TS_CTF.txt', text: `${header}1 5000 5000 0 1.2 0.1 9\n` }, 1);
    expect(plate.phaseShift).toEqual([1.2]);
    expect(plate.microscope).toEqual({ voltage: 200, cs: 0.01, amplitudeContrast: 0.1, source: 'TS_CTF.txt' });
  });

  it('refuses what is not an estimate of this stack, naming the file and line', () => {
    expect(() => readDefocusFile({ name: 'TS.defocus', text: '1 1 0 0 3000 2\n9 9 0 0 3000\n' }, 3)).toThrow('TS.defocus line 2: views 9–9 are not views of a stack of 3 sections');
    expect(() => readDefocusFile({ name: 'TS.defocus', text: '1 1 zero 0 3000\n' }, 3)).toThrow(/^TS\.defocus line 1: expected view numbers, angles and a defocus in nm, found "1 1 zero 0 3000"/);
    expect(() => readDefocusFile({ name: 'TS.defocus', text: '\n' }, 3)).toThrow('TS.defocus holds no defocus');
    expect(() => readDefocusFile({ name: 'TS_CTF.txt', text: '1 30000 30000 0 0\n' }, 2)).toThrow("TS_CTF.txt gives a defocus for 1 of the stack's 2 sections");
    expect(() => readDefocusFile({ name: 'TS_CTF.txt', text: '1 -300 -300 0 0\n' }, 1)).toThrow('TS_CTF.txt: a defocus of -0.03 µm: the phase flip needs a finite underfocus (> 0)');
    expect(() => readDefocusFile({ name: 'TS_CTF.txt', text: '1 30000 30000 0 1e400\n' }, 1)).toThrow('TS_CTF.txt: a phase shift of Infinity: the phase flip needs a finite one');
    expect(() => readDefocusFile({ name: 'TS_CTF.txt', text: '1 30000 30000 0 0\n1 30000 30000 0 0\n' }, 1)).toThrow('TS_CTF.txt line 2: a second defocus for section 0 (view 1)');
  });

  it("keeps the defocus and phase-plate shift of the sections the series keeps, with a row, and the microscope CTFFIND names", () => {
    const stack = { name: 'TS.mrc', nx: 8, ny: 8, nSections: 3 };
    const defocus = { name: 'TS.defocus', text: '1 1 -3 -3 3000 2\n2 2 0 0 3500\n3 3 3 3 4000\n' };
    const tiltCom = { name: 'tilt.com', text: '$tilt -StandardInput\nEXCLUDELIST 2\n' };
    const plan = planSeries(readSideFiles([tlt([-3, 0, 3]), defocus, tiltCom]), stack);
    expect(plan.keptSections).toEqual([0, 2]);
    expect(plan.defocus).toEqual([3, 4]);
    expect(plan.phaseShift).toBeUndefined();
    expect(plan.rows.find((r) => r.label === 'Defocus')).toEqual({ label: 'Defocus', value: '3.00–4.00 µm under focus', source: 'TS.defocus' });
    expect(plan.rows.find((r) => r.label === MICROSCOPE_ROW)).toBeUndefined();
    const rows = (shift: number) => [1, 2, 3].map((k) => `${k} 30000 30000 0 ${shift * k}\n`).join('');
    const header = '# Pixel size: 4.0 Angstroms ; acceleration voltage: 300.0 keV ; spherical aberration: 2.70 mm ; amplitude contrast: 0.07\n';
    const plate = planSeries(readSideFiles([tlt([-3, 0, 3]), { name: 'TS_CTF.txt', text: header + rows(0.5) }, tiltCom]), stack);
    expect(plate.defocus).toEqual([3, 3]);
    expect(plate.phaseShift).toEqual([0.5, 1.5]);
    expect(plate.rows.find((r) => r.label === 'Defocus')?.value).toBe('3.00 µm under focus; phase plate: 0.16–0.48 π added');
    expect(plate.rows.find((r) => r.label === MICROSCOPE_ROW)).toEqual({ label: MICROSCOPE_ROW, value: 'Cs 2.7 mm, Q 0.07', source: 'TS_CTF.txt' });
    expect([plate.voltage, plate.sphericalAberration, plate.amplitudeContrast]).toEqual([300, 2.7, 0.07].map((value) => ({ value, source: 'TS_CTF.txt' })));
    // The .mdoc's voltage stands; one the estimate was made at that differs is said.
    const mdoc = { name: 'TS.mrc.mdoc', text: 'Voltage = 200\n[ZValue = 0]\nTiltAngle = -3\n[ZValue = 1]\nTiltAngle = 0\n[ZValue = 2]\nTiltAngle = 3\n' };
    const both = planSeries(readSideFiles([mdoc, { name: 'TS_CTF.txt', text: header + rows(0) }]), stack);
    expect(both.voltage).toEqual({ value: 200, source: 'TS.mrc.mdoc line 1' });
    expect(both.warnings).toContain('TS_CTF.txt names 300 kV, where TS.mrc.mdoc line 1 says 200 kV: 200 kV is used');
    expect(() => readSideFiles([tlt([0]), defocus, { name: 'TS_CTF.txt', text: '' }])).toThrow('several CTF estimates (TS.defocus, TS_CTF.txt): drop one');
  });

  it("doubts a tilt whose defocus is far from its neighbours' by angle (a failed fit), naming it as loaded; autofocus's spread passes", () => {
    // Dose-symmetric order (0, 3, −3, 6, −6, …): neighbours are taken by angle, not by stack order.
    const angles = [0, 3, -3, 6, -6, 9, -9, 12, -12];
    const steady = [3.0, 3.2, 2.9, 3.4, 2.8, 3.1, 3.3, 2.7, 3.2];
    expect(defocusOutliers(steady, angles)).toEqual([]);
    const failed = steady.map((d, j) => (j === 7 ? 8.1 : j === 4 ? 0.9 : d));
    expect(defocusOutliers(failed, angles)).toEqual([
      { index: 4, expected: expect.closeTo(3.2, 9) },
      { index: 7, expected: expect.closeTo(3.2, 9) },
    ]);
    const stack = { name: 'TS.mrc', nx: 8, ny: 8, nSections: angles.length };
    const estimate = { name: 'TS_CTF.txt', text: failed.map((d, k) => `${k + 1} ${d * 1e4} ${d * 1e4} 0 0\n`).join('') };
    const plan = planSeries(readSideFiles([tlt(angles), estimate]), stack);
    expect(plan.warnings).toContain(
      "TS_CTF.txt: the defocus of tilts 5 (-6°: 0.90 µm where its neighbours have about 3.20), 8 (12°: 8.10 µm where its neighbours have about 3.20) is far from its neighbours': a CTF fit that failed? The phase flip would use it as given; leave those tilts out or correct the estimate",
    );
  });

  it("reads AreTomo's estimate in IMOD's form by its header, and of AreTomo3's two copies the CTFFIND one", () => {
    // As AreTomo3 writes them: TS_CTF.txt (Å, an 8th column for the defocus handedness) and TS_CTF_Imod.txt (nm,
    // ctfplotter's version-3 header with flag 1: astigmatism columns follow); AreTomo2's IMOD folder has the
    // latter as TS_ctf.txt.
    const ctffind = { name: 'TS_CTF.txt', text: '# Columns: #1 micrograph number; #2 - defocus 1 [A]; …; #8 - dfHand\n   1   30500.00  29500.00     30.00     0.0000    0.0410    7.9000    1\n   2   31500.00  30500.00     28.00     0.0000    0.0390    8.2000    1\n' };
    const imod = { name: 'TS_CTF_Imod.txt', text: '1  0  0.0  0.0  0.0  3\n   1     1   -60.00   -60.00   2950.00   3050.00    30.00\n   2     2   -57.00   -57.00   3050.00   3150.00    28.00\n' };
    for (const file of [imod, { ...imod, name: 'TS_ctf.txt' }, ctffind]) {
      const estimate = readDefocusFile(file, 2);
      expect(estimate.defocus).toEqual([3.0, 3.1].map((d) => expect.closeTo(d, 9)));
      expect(estimate.astigmatism).toBeCloseTo(0.1, 9);
    }
    const stack = { name: 'TS.mrc', nx: 8, ny: 8, nSections: 2 };
    for (const files of [[ctffind, imod], [imod, ctffind]]) {
      const plan = planSeries(readSideFiles([tlt([-60, -57]), ...files]), stack);
      expect(plan.rows.find((r) => r.label === 'Defocus')?.source).toBe('TS_CTF.txt');
      expect(plan.warnings).toContain("TS_CTF_Imod.txt set aside: TS_CTF.txt's estimate in IMOD's form");
    }
    expect(() => readSideFiles([tlt([0]), imod, { ...ctffind, name: 'other_CTF.txt' }])).toThrow('several CTF estimates (TS_CTF_Imod.txt, other_CTF.txt): drop one');
  });

  it("warns when an IMOD-form estimate's angles are not those of the views it names in the series, as ctfphaseflip checks them", () => {
    const stack = { name: 'TS.mrc', nx: 8, ny: 8, nSections: 4 };
    const angles = tlt([-6, -3, 0, 3]);
    // AreTomo's IMOD folder after a dark first view was removed: its views 1–3 are this stack's sections 1–3.
    const shifted = { name: 'TS_ctf.txt', text: '1  0  0.0  0.0  0.0  3\n1 1 -3.00 -3.00 3000 3000 0\n2 2 0.00 0.00 3100 3100 0\n3 3 3.00 3.00 3200 3200 0\n' };
    const plan = planSeries(readSideFiles([angles, shifted]), stack);
    expect(plan.warnings).toContain("TS_ctf.txt line 2: view 1 at -3.00°, where the series has -6.00°: its views may not be this stack's (an old ctfplotter's off-by-one, or dark views removed before it was written); the defocus is taken by view number");
    const matching = { ...shifted, text: shifted.text.replace('1 1 -3.00 -3.00', '1 1 -6.00 -6.00').replace('2 2 0.00 0.00', '2 2 -3.00 -3.00').replace('3 3 3.00 3.00', '3 3 0.00 0.00') };
    expect(planSeries(readSideFiles([angles, matching]), stack).warnings).toEqual([]);
    // A range line names its first and last views' angles; within half a degree is the same view.
    const range = { name: 'TS.defocus', text: '1 0 0. 0. 0 3\n1 4 -6.3 2.8 3000 3000 0\n' };
    expect(planSeries(readSideFiles([angles, range]), stack).warnings).toEqual([]);
    const wrongRange = { ...range, text: '1 0 0. 0. 0 3\n1 4 -3 6 3000 3000 0\n' };
    expect(planSeries(readSideFiles([angles, wrongRange]), stack).warnings[0]).toMatch(/^TS\.defocus line 2: views 1–4 at -3\.00° … 6\.00°, where the series has -6\.00° … 3\.00°/);
    // Flag 16 (1 + 16 here): ctfplotter ran with the angles inverted, so the file's are the series' negated.
    const inverted = { name: 'TS.defocus', text: '17 0 0. 0. 0 3\n1 4 6.3 -2.8 3000 3000 0\n' };
    expect(planSeries(readSideFiles([angles, inverted]), stack).warnings).toEqual([]);
  });
});
