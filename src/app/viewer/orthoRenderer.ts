/**
 * Three orthogonal slice panels drawn with three.js: one WebGLRenderer per canvas, each
 * slice uploaded as a float texture (RedFormat + FloatType) and windowed in a small shader.
 * Rendering happens on demand (batched into one animation frame), never in a loop.
 */
import * as THREE from 'three';
import type { Slice, SliceAxis } from '../../../workers/api.ts';
import { SLICE_COLORMAPS } from '../compare/colormap.ts';
import { SLICE_AXES, type CrosshairColors, type SlicePoint, type SliceRenderer } from './types.ts';
import { IDENTITY_VIEW, cameraBounds, screenToWorld, viewFrame, zoomViewAt, type PanelView } from './viewMath.ts';

const VERTEX_SHADER = /* glsl */ `
varying vec2 vUv;
void main() {
  vUv = uv;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}
`;

const FRAGMENT_SHADER = /* glsl */ `
precision highp float;
uniform sampler2D map;
uniform sampler2D lut;
uniform float lo;
uniform float hi;
varying vec2 vUv;
void main() {
  float value = texture2D(map, vUv).r;
  float t = clamp((value - lo) / max(hi - lo, 1e-30), 0.0, 1.0);
  // The centres of the 256 texels of the colour map's lookup table.
  gl_FragColor = vec4(texture2D(lut, vec2(t * (255.0 / 256.0) + 0.5 / 256.0, 0.5)).rgb, 1.0);
}
`;

const BACKGROUND = 0x0a0c0f;

class Panel {
  readonly renderer: THREE.WebGLRenderer;
  readonly scene = new THREE.Scene();
  readonly camera = new THREE.OrthographicCamera(-1, 1, 1, -1, -10, 10);
  readonly material: THREE.ShaderMaterial;
  readonly mesh: THREE.Mesh;
  readonly vertical: THREE.Line;
  readonly horizontal: THREE.Line;
  texture: THREE.DataTexture | null = null;
  width = 0;
  height = 0;
  view: PanelView = { ...IDENTITY_VIEW };
  crosshair: SlicePoint | null = null;

  constructor(readonly canvas: HTMLCanvasElement) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: false, preserveDrawingBuffer: true, alpha: false });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.renderer.setClearColor(BACKGROUND, 1);
    this.material = new THREE.ShaderMaterial({
      uniforms: { map: { value: null }, lut: { value: null }, lo: { value: 0 }, hi: { value: 1 } },
      vertexShader: VERTEX_SHADER,
      fragmentShader: FRAGMENT_SHADER,
      depthTest: false,
    });
    this.mesh = new THREE.Mesh(new THREE.PlaneGeometry(1, 1), this.material);
    this.mesh.visible = false;
    this.scene.add(this.mesh);
    this.vertical = Panel.line();
    this.horizontal = Panel.line();
    this.scene.add(this.vertical, this.horizontal);
    this.camera.position.z = 5;
  }

  private static line(): THREE.Line {
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.Float32BufferAttribute([0, 0, 1, 0, 0, 1], 3));
    const line = new THREE.Line(geometry, new THREE.LineBasicMaterial({ color: 0xffffff, depthTest: false, transparent: true, opacity: 0.85 }));
    line.visible = false;
    line.renderOrder = 1;
    return line;
  }

  setSlice(slice: Slice): void {
    const texture = new THREE.DataTexture(slice.data, slice.width, slice.height, THREE.RedFormat, THREE.FloatType);
    texture.minFilter = THREE.NearestFilter;
    texture.magFilter = THREE.NearestFilter;
    texture.generateMipmaps = false;
    texture.unpackAlignment = 1;
    texture.needsUpdate = true;
    this.texture?.dispose();
    this.texture = texture;
    this.material.uniforms.map.value = texture;
    if (slice.width !== this.width || slice.height !== this.height) {
      this.width = slice.width;
      this.height = slice.height;
      this.mesh.scale.set(slice.width, slice.height, 1);
      this.mesh.position.set(slice.width / 2, slice.height / 2, 0);
    }
    this.mesh.visible = true;
    this.updateCrosshair();
  }

  clear(): void {
    this.texture?.dispose();
    this.texture = null;
    this.material.uniforms.map.value = null;
    this.mesh.visible = false;
    this.vertical.visible = false;
    this.horizontal.visible = false;
    this.width = 0;
    this.height = 0;
  }

  setCrosshair(point: SlicePoint, colors: CrosshairColors): void {
    this.crosshair = point;
    (this.vertical.material as THREE.LineBasicMaterial).color.set(colors.vertical);
    (this.horizontal.material as THREE.LineBasicMaterial).color.set(colors.horizontal);
    this.updateCrosshair();
  }

  private updateCrosshair(): void {
    const point = this.crosshair;
    const visible = point !== null && this.width > 0;
    this.vertical.visible = visible;
    this.horizontal.visible = visible;
    if (!visible || !point) return;
    const u = point.u + 0.5;
    const v = point.v + 0.5;
    const set = (line: THREE.Line, coords: number[]): void => {
      const attribute = line.geometry.getAttribute('position') as THREE.BufferAttribute;
      attribute.array.set(coords);
      attribute.needsUpdate = true;
      line.geometry.computeBoundingSphere();
    };
    set(this.vertical, [u, 0, 1, u, this.height, 1]);
    set(this.horizontal, [0, v, 1, this.width, v, 1]);
  }

  cssSize(): [number, number] {
    return [Math.max(1, this.canvas.clientWidth), Math.max(1, this.canvas.clientHeight)];
  }

  /** CSS pixels per slice pixel at the current view, or null without a slice. */
  cssPerPixel(): number | null {
    if (!this.width) return null;
    const [W, H] = this.cssSize();
    return viewFrame(this.view, this.width, this.height, W, H).scale;
  }

  render(): void {
    const [W, H] = this.cssSize();
    const size = this.renderer.getSize(new THREE.Vector2());
    if (size.x !== W || size.y !== H) this.renderer.setSize(W, H, false);
    const frame = viewFrame(this.view, this.width || 1, this.height || 1, W, H);
    const [left, right, top, bottom] = cameraBounds(frame, W, H);
    Object.assign(this.camera, { left, right, top, bottom });
    this.camera.updateProjectionMatrix();
    this.renderer.render(this.scene, this.camera);
  }

  pick(px: number, py: number): SlicePoint | null {
    if (!this.width) return null;
    const [W, H] = this.cssSize();
    return screenToWorld(viewFrame(this.view, this.width, this.height, W, H), px, py, W, H);
  }

  zoomAt(px: number, py: number, factor: number): void {
    if (!this.width) return;
    const [W, H] = this.cssSize();
    this.view = zoomViewAt(this.view, this.width, this.height, W, H, px, py, factor);
  }

  dispose(): void {
    this.texture?.dispose();
    this.material.dispose();
    this.mesh.geometry.dispose();
    for (const line of [this.vertical, this.horizontal]) {
      line.geometry.dispose();
      (line.material as THREE.Material).dispose();
    }
    this.renderer.dispose();
  }
}

/** A 256 × 1 RGBA texture of a colour map's RGB lookup table, sampled linearly between its entries. */
function lutTexture(lut: Uint8ClampedArray): THREE.DataTexture {
  const rgba = new Uint8Array(256 * 4);
  for (let i = 0; i < 256; i++) rgba.set([lut[3 * i], lut[3 * i + 1], lut[3 * i + 2], 255], 4 * i);
  const texture = new THREE.DataTexture(rgba, 256, 1, THREE.RGBAFormat, THREE.UnsignedByteType);
  texture.minFilter = THREE.LinearFilter;
  texture.magFilter = THREE.LinearFilter;
  texture.generateMipmaps = false;
  texture.needsUpdate = true;
  return texture;
}

interface AxisModel {
  slice: Slice | null;
  crosshair: { point: SlicePoint; colors: CrosshairColors } | null;
  view: PanelView;
}

/**
 * The renderer keeps its own model (slices, window, crosshairs, views), so it can be created
 * before the canvases exist and survive React re-mounting them: attach() builds the WebGL
 * side from the model, detach() frees it.
 */
export function createOrthoRenderer(): SliceRenderer {
  const models = Object.fromEntries(
    SLICE_AXES.map((axis) => [axis, { slice: null, crosshair: null, view: { ...IDENTITY_VIEW } } satisfies AxisModel]),
  ) as Record<SliceAxis, AxisModel>;
  let windowLo = 0;
  let windowHi = 1;
  let colormap = lutTexture(SLICE_COLORMAPS.grey);
  let panels: Record<SliceAxis, Panel> | null = null;
  let observer: ResizeObserver | null = null;
  let frameRequest = 0;
  const listeners = new Set<() => void>();

  const renderAll = (): void => {
    frameRequest = 0;
    if (!panels) return;
    for (const axis of SLICE_AXES) {
      const panel = panels[axis];
      panel.view = models[axis].view;
      panel.material.uniforms.lo.value = windowLo;
      panel.material.uniforms.hi.value = windowHi;
      panel.material.uniforms.lut.value = colormap;
      panel.render();
    }
    for (const listener of listeners) listener();
  };
  const schedule = (): void => {
    if (!frameRequest && panels) frameRequest = requestAnimationFrame(renderAll);
  };

  return {
    attach(canvases) {
      this.detach();
      const created = Object.fromEntries(SLICE_AXES.map((axis) => [axis, new Panel(canvases[axis])])) as Record<SliceAxis, Panel>;
      for (const axis of SLICE_AXES) {
        const model = models[axis];
        if (model.slice) created[axis].setSlice(model.slice);
        if (model.crosshair) created[axis].setCrosshair(model.crosshair.point, model.crosshair.colors);
      }
      panels = created;
      observer = new ResizeObserver(schedule);
      for (const axis of SLICE_AXES) observer.observe(canvases[axis]);
      schedule();
    },
    detach() {
      if (frameRequest) cancelAnimationFrame(frameRequest);
      frameRequest = 0;
      observer?.disconnect();
      observer = null;
      if (panels) for (const axis of SLICE_AXES) panels[axis].dispose();
      panels = null;
    },
    setSlice(axis, slice) {
      models[axis].slice = slice;
      panels?.[axis].setSlice(slice);
      schedule();
    },
    clearSlices() {
      for (const axis of SLICE_AXES) {
        models[axis].slice = null;
        panels?.[axis].clear();
      }
      schedule();
    },
    setWindow(lo, hi) {
      windowLo = lo;
      windowHi = hi;
      schedule();
    },
    setColormap(lut) {
      colormap.dispose();
      colormap = lutTexture(lut);
      schedule();
    },
    cssPerPixel(axis) {
      return panels ? panels[axis].cssPerPixel() : null;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setCrosshair(axis, point, colors) {
      models[axis].crosshair = { point, colors };
      panels?.[axis].setCrosshair(point, colors);
      schedule();
    },
    pick(axis, px, py) {
      return panels ? panels[axis].pick(px, py) : null;
    },
    zoomAt(axis, px, py, factor) {
      if (!panels) return;
      panels[axis].zoomAt(px, py, factor);
      models[axis].view = panels[axis].view;
      schedule();
    },
    panBy(axis, dx, dy) {
      const view = models[axis].view;
      models[axis].view = { ...view, panX: view.panX + dx, panY: view.panY + dy };
      schedule();
    },
    resetViews() {
      for (const axis of SLICE_AXES) models[axis].view = { ...IDENTITY_VIEW };
      schedule();
    },
    renderNow() {
      if (frameRequest) cancelAnimationFrame(frameRequest);
      renderAll();
    },
    canvas(axis) {
      return panels ? panels[axis].canvas : null;
    },
  };
}
