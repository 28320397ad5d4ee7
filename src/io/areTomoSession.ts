/**
 * AreTomo3's AreTomo3_Session.json, written into its output folder beside every series it made: the options the
 * session ran with, under "parameters" by their flag names without the dash ("kV": 300, "Cs": 2.7,
 * "AmpContrast": 0.07, …; AreTomo3's CAreTomo3Json). What a series needs of it is the microscope: the voltage (for
 * dose weighting and the phase flip, where no .mdoc gives it) and Cs and the amplitude contrast (for the flip;
 * AreTomo's _CTF.txt names neither). Its PixSize is the movies', before AreTomo3's own binning, so it is not read.
 */
import type { TextFile } from './alignmentFiles.ts';
import type { CtfMicroscope } from './defocusFiles.ts';

/** Whether a file is AreTomo3's session record (one per output folder, shared by its series). */
export function isAreTomoSession(name: string): boolean {
  return /(^|\/)aretomo3_session\.json$/i.test(name);
}

/** The microscope the session names, each value where it is a number in range; a file that is not JSON is named in the error. */
export function readAreTomoSession(file: TextFile): CtfMicroscope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(file.text);
  } catch (error) {
    throw new Error(`${file.name}: not JSON as AreTomo3 writes its session (${(error as Error).message})`, { cause: error });
  }
  const parameters = (parsed as { parameters?: Record<string, unknown> } | null)?.parameters ?? {};
  const valueOf = (key: string, ok: (v: number) => boolean): number | undefined => {
    const value = parameters[key];
    return typeof value === 'number' && Number.isFinite(value) && ok(value) ? value : undefined;
  };
  const voltage = valueOf('kV', (v) => v > 0);
  const cs = valueOf('Cs', (v) => v >= 0);
  const amplitudeContrast = valueOf('AmpContrast', (v) => v >= 0 && v < 1);
  return { ...(voltage !== undefined && { voltage }), ...(cs !== undefined && { cs }), ...(amplitudeContrast !== undefined && { amplitudeContrast }), source: file.name };
}
