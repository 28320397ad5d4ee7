/**
 * Line overlays of the 3-D view, in volume units: the result's bounding box, the clip box and
 * the three slice planes of the linked cursor (in the slice viewer's panel colours).
 */
import * as THREE from 'three';
import { AXIS_COLORS } from '../viewer/axes.ts';
import type { Box3, Vec3 } from './pyramid.ts';

/** The 12 edges of a box, as segment end points. */
function boxEdges(min: Vec3, max: Vec3): number[] {
  const c = (i: number): Vec3 => [i & 1 ? max[0] : min[0], i & 2 ? max[1] : min[1], i & 4 ? max[2] : min[2]];
  const pairs = [
    [0, 1], [2, 3], [4, 5], [6, 7],
    [0, 2], [1, 3], [4, 6], [5, 7],
    [0, 4], [1, 5], [2, 6], [3, 7],
  ];
  return pairs.flatMap(([a, b]) => [...c(a), ...c(b)]);
}

function segments(color: THREE.ColorRepresentation, opacity: number, vertices = 24): THREE.LineSegments {
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.Float32BufferAttribute(new Float32Array(vertices * 3), 3));
  const material = new THREE.LineBasicMaterial({ color, transparent: true, opacity, depthTest: false, depthWrite: false });
  const lines = new THREE.LineSegments(geometry, material);
  lines.renderOrder = 1;
  lines.frustumCulled = false;
  return lines;
}

function setPositions(lines: THREE.LineSegments, coords: number[]): void {
  const attribute = lines.geometry.getAttribute('position') as THREE.BufferAttribute;
  (attribute.array as Float32Array).set(coords);
  attribute.needsUpdate = true;
}

export class Overlays {
  readonly group = new THREE.Group();
  private readonly outline = segments(0x6b7785, 0.55);
  private readonly clipOutline = segments(0xf0b54a, 0.8);
  private readonly planes: THREE.LineSegments[];

  constructor() {
    // One rectangle (4 segments, 8 vertices) per plane: normal z (XY), y (XZ), x (YZ).
    this.planes = [AXIS_COLORS.xy, AXIS_COLORS.xz, AXIS_COLORS.yz].map((color) => segments(color, 0.9, 8));
    this.group.add(this.outline, this.clipOutline, ...this.planes);
  }

  /** Lay out for a result of size `size` (volume units), showing `clip` and the cursor planes. */
  update(size: Vec3, clip: Box3, cursor: Vec3 | null, showClip: boolean): void {
    const toWorld = (f: Vec3): Vec3 => [(f[0] - 0.5) * size[0], (f[1] - 0.5) * size[1], (f[2] - 0.5) * size[2]];
    const lo = toWorld([0, 0, 0]);
    const hi = toWorld([1, 1, 1]);
    setPositions(this.outline, boxEdges(lo, hi));
    this.clipOutline.visible = showClip;
    if (showClip) setPositions(this.clipOutline, boxEdges(toWorld(clip.min), toWorld(clip.max)));
    for (const plane of this.planes) plane.visible = cursor !== null;
    if (!cursor) return;
    const c = toWorld(cursor);
    const rect = (axis: 0 | 1 | 2): number[] => {
      const [u, v] = axis === 2 ? [0, 1] : axis === 1 ? [0, 2] : [1, 2];
      const corner = (a: number, b: number): number[] => {
        const p: Vec3 = [0, 0, 0];
        p[axis] = c[axis];
        p[u] = a ? hi[u] : lo[u];
        p[v] = b ? hi[v] : lo[v];
        return p;
      };
      return [...corner(0, 0), ...corner(1, 0), ...corner(1, 0), ...corner(1, 1), ...corner(1, 1), ...corner(0, 1), ...corner(0, 1), ...corner(0, 0)];
    };
    setPositions(this.planes[0], rect(2));
    setPositions(this.planes[1], rect(1));
    setPositions(this.planes[2], rect(0));
  }

  dispose(): void {
    for (const lines of [this.outline, this.clipOutline, ...this.planes]) {
      lines.geometry.dispose();
      (lines.material as THREE.Material).dispose();
    }
  }
}
