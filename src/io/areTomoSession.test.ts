import { describe, expect, it } from 'vitest';
import { isAreTomoSession, readAreTomoSession } from './areTomoSession.ts';
import { planSeries, readSideFiles } from './sideFiles.ts';
import { sideFilesFor } from './stackGroups.ts';

/** As AreTomo3 writes it (CAreTomo3Json): hand-built JSON, the options under "parameters" by their flag names. */
const SESSION = `{
     "software": {
          "name": "AreTomo3",
          "version": "2.0.11"
     },
     "input": {
          "InPrefix": "/data/frames/",
          "Gain": ""
     },
     "output": {
          "TmpDir": "",
          "OutDir": "/data/out/"
     },
     "parameters": {
          "InSuffix": ".mdoc",
          "PixSize": 0.834,
          "kV": 200,
          "Cs": 2.7,
          "FmDose": 0.14,
          "McBin": 2.0,
          "AtBin": 4.0,
          "AmpContrast": 0.10,
          "ExtPhase": 0.00
     },
     "Time": "Mon Dec  7 10:11:12 2026"
}`;

const tlt = { name: 'TS_1.tlt', text: '-3\n0\n3\n' };
const stack = { name: 'TS_1.mrc', nx: 8, ny: 8, nSections: 3 };

describe("AreTomo3's session record", () => {
  it('is known by its name, and gives the voltage, Cs and amplitude contrast (not the movies\' pixel size)', () => {
    expect(['AreTomo3_Session.json', 'out/aretomo3_session.json', 'session.json', 'AreTomo3_Session.json.bak'].map(isAreTomoSession)).toEqual([true, true, false, false]);
    expect(readAreTomoSession({ name: 'AreTomo3_Session.json', text: SESSION })).toEqual({ voltage: 200, cs: 2.7, amplitudeContrast: 0.1, source: 'AreTomo3_Session.json' });
    // Values out of range or missing are left out; a file that is not JSON is named.
    expect(readAreTomoSession({ name: 'AreTomo3_Session.json', text: '{"parameters": {"kV": 0, "Cs": 0, "AmpContrast": 1.5}}' })).toEqual({ cs: 0, source: 'AreTomo3_Session.json' });
    expect(() => readAreTomoSession({ name: 'AreTomo3_Session.json', text: '{"parameters": ' })).toThrow(/^AreTomo3_Session\.json: not JSON as AreTomo3 writes its session/);
  });

  it("gives a series without an .mdoc its voltage, and the flip its Cs and Q; an .mdoc's voltage stands", () => {
    const session = { name: 'AreTomo3_Session.json', text: SESSION };
    const estimate = { name: 'TS_1_CTF.txt', text: '1 30000 30000 0 0\n2 30000 30000 0 0\n3 30000 30000 0 0\n' };
    const plan = planSeries(readSideFiles([tlt, session, estimate]), stack);
    expect(plan.voltage).toEqual({ value: 200, source: 'AreTomo3_Session.json' });
    expect(plan.rows).toContainEqual({ label: 'Voltage', value: '200 kV', source: 'AreTomo3_Session.json' });
    expect(plan.rows).toContainEqual({ label: 'Cs, amplitude contrast', value: 'Cs 2.7 mm, Q 0.1', source: 'AreTomo3_Session.json' });
    const mdoc = { name: 'TS_1.mrc.mdoc', text: 'Voltage = 300\n[ZValue = 0]\nTiltAngle = -3\n[ZValue = 1]\nTiltAngle = 0\n[ZValue = 2]\nTiltAngle = 3\n' };
    const both = planSeries(readSideFiles([mdoc, session]), stack);
    expect(both.voltage?.value).toBe(300);
    expect(both.warnings).toContain('AreTomo3_Session.json names 200 kV, where TS_1.mrc.mdoc line 1 says 300 kV: 300 kV is used');
  });

  it("goes with every series of its folder", () => {
    const names = ['TS_1.mrc', 'TS_1_TLT.txt', 'TS_2.mrc', 'TS_2_TLT.txt', 'AreTomo3_Session.json'];
    expect(sideFilesFor('TS_1.mrc', null, names)).toEqual(['TS_1_TLT.txt', 'AreTomo3_Session.json']);
    expect(sideFilesFor('TS_2.mrc', null, names)).toEqual(['TS_2_TLT.txt', 'AreTomo3_Session.json']);
  });
});
