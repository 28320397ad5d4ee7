/**
 * SIRT's row weights R, one per detector pixel of a slab's tilts ([tilt][row][detector], as the projector reads them).
 *
 * Textbook SIRT takes R = 1/(A·1), one over each ray's length inside the tomogram: exact when the specimen lies
 * wholly inside it, as in a simulation. A real specimen goes on beyond the reconstructed region, so a ray that
 * leaves the tomogram through a side at high tilt still carries the mass of its whole path through the specimen;
 * divided by its short length inside, that mass lands on a few corner voxels (−70…+90 where FBP spans −9…+4 on
 * EMPIAR-10009), stripes the edges, and the residual rises over the iterations. So by default every ray of tilt θ is
 * divided by the length of a ray that crosses the whole slab, nz/|cos θ| voxels (the projector's weights along a row
 * of voxels add up to 1/|cos θ| per detector pixel): the textbook weight for rays that cross from face to face, a
 * smaller one for clipped rays, whose corrections are then no larger than an interior ray's. R ≤ 1/(A·1), so the
 * iteration still converges for 0 < λ < 2. (Leaving clipped rays out altogether was tried too: on EMPIAR-10009 it
 * striped the edges worse, as the edge voxels then see only the low tilts.) Rays that miss the tomogram get R = 0
 * and are not counted in the residual.
 */
import { forwardProjectRow } from '../../cpu/projector.ts';
import { tiltTrig } from '../../geometry.ts';

/** R per detector pixel of `rows` rows of every tilt; 0 for a ray that misses the tomogram. */
export function sirtRowWeights(tiltAngles: readonly number[], nDet: number, rows: number, nz: number, textbookWeights: boolean): Float32Array {
  // Ray lengths do not depend on the row: one row of ones, projected, gives A·1 for every tilt.
  const lengths = new Float32Array(tiltAngles.length * nDet);
  const geometry = { nx: nDet, nz, nTilts: tiltAngles.length, trig: tiltTrig(tiltAngles) };
  forwardProjectRow(geometry, new Float32Array(nDet * nz).fill(1), 1, 0, lengths, 1, 0);
  const weights = new Float32Array(tiltAngles.length * rows * nDet);
  tiltAngles.forEach((deg, k) => {
    const slabLength = nz / Math.abs(Math.cos((deg * Math.PI) / 180));
    for (let d = 0; d < nDet; d++) {
      const length = lengths[k * nDet + d];
      const w = length > 1e-6 ? 1 / (textbookWeights ? length : slabLength) : 0;
      for (let row = 0; row < rows; row++) weights[(k * rows + row) * nDet + d] = w;
    }
  });
  return weights;
}
