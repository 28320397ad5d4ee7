/**
 * The 3-D view drawn with three.js: a ray-marching ShaderMaterial (MIP, DVR, isosurface) on
 * a box mesh, the volume as a Data3DTexture (R16F z-scores or R8 windowed), the transfer
 * function as a 256 × 1 RGBA texture, line overlays for the box, clip box and slice planes.
 *
 * Rendering is on demand: a change draws an interactive frame (the set step count, reduced
 * resolution on a software renderer) and, once nothing has changed for a moment, a still
 * frame with twice the samples at full resolution.
 */
import * as THREE from 'three';
import { DEFAULT_CAMERA, rotateVector, turntable, type CameraState } from './camera.ts';
import { deviceLimits } from './deviceLimits.ts';
import { Overlays } from './overlays.ts';
import { FULL_BOX, intersectBoxes, isFullBox, quantize8, toHalfZScores, type Box3, type Vec3 } from './pyramid.ts';
import { MODE_INDEX, VOLUME_FRAGMENT_SHADER, VOLUME_VERTEX_SHADER } from './shaders.ts';
import { BACKGROUNDS, DEFAULT_TF, buildLut, type TransferFunction } from './transferFunction.ts';
import type { FpsMeasurement, Projection, Quality, RenderMode, RenderStats, VolumeData, VolumeRenderer } from './types.ts';

const STILL_DELAY_MS = 220;
const FOV_DEG = 30;
/** Opacities of the transfer function are per 1/128 of the volume's x extent. */
const REFERENCE_STEP = 1 / 128;

interface Model {
  volume: VolumeData | null;
  zLo: number;
  zHi: number;
  mode: RenderMode;
  steps: number;
  isoSigma: number;
  tf: TransferFunction;
  clip: Box3;
  cursor: Vec3 | null;
  camera: CameraState;
  projection: Projection;
}

class Gpu {
  readonly renderer: THREE.WebGLRenderer;
  readonly scene = new THREE.Scene();
  readonly perspective = new THREE.PerspectiveCamera(FOV_DEG, 1, 0.01, 100);
  readonly orthographic = new THREE.OrthographicCamera(-1, 1, 1, -1, 0.01, 100);
  readonly material: THREE.ShaderMaterial;
  readonly mesh: THREE.Mesh;
  readonly overlays = new Overlays();
  readonly lut: THREE.DataTexture;
  volumeTexture: THREE.Data3DTexture | null = null;
  /** Which model volume (and, for 8-bit, which window) the texture holds. */
  uploaded: { volume: VolumeData; zLo: number; zHi: number } | null = null;
  lost = false;
  disposing = false;
  checkUpload = false;

  constructor(readonly canvas: HTMLCanvasElement) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: false, preserveDrawingBuffer: true, alpha: false, powerPreference: 'high-performance' });
    this.lut = new THREE.DataTexture(new Uint8Array(256 * 4), 256, 1, THREE.RGBAFormat, THREE.UnsignedByteType);
    this.lut.minFilter = THREE.LinearFilter;
    this.lut.magFilter = THREE.LinearFilter;
    this.lut.generateMipmaps = false;
    this.material = new THREE.ShaderMaterial({
      glslVersion: THREE.GLSL3,
      vertexShader: VOLUME_VERTEX_SHADER,
      fragmentShader: VOLUME_FRAGMENT_SHADER,
      side: THREE.BackSide,
      depthTest: false,
      depthWrite: false,
      uniforms: {
        volumeTex: { value: null },
        lutTex: { value: this.lut },
        boxSize: { value: new THREE.Vector3(1, 1, 1) },
        boxMin: { value: new THREE.Vector3(0, 0, 0) },
        boxMax: { value: new THREE.Vector3(1, 1, 1) },
        texOrigin: { value: new THREE.Vector3(0, 0, 0) },
        texScale: { value: new THREE.Vector3(1, 1, 1) },
        gradStep: { value: new THREE.Vector3(0.01, 0.01, 0.01) },
        mode: { value: 0 },
        stepLength: { value: 0.01 },
        opacityExponent: { value: 1 },
        valueScale: { value: 1 },
        valueOffset: { value: 0 },
        signFlip: { value: 1 },
        winLo: { value: 0 },
        winInvWidth: { value: 1 },
        isoValue: { value: 1 },
        bgColor: { value: new THREE.Vector3() },
        surfaceColor: { value: new THREE.Vector3(0.9, 0.85, 0.72) },
        jitterAmount: { value: 1 },
      },
    });
    this.mesh = new THREE.Mesh(new THREE.BoxGeometry(1, 1, 1), this.material);
    this.mesh.frustumCulled = false;
    this.mesh.visible = false;
    this.scene.add(this.mesh, this.overlays.group);
  }

  dispose(): void {
    this.volumeTexture?.dispose();
    this.lut.dispose();
    this.material.dispose();
    this.mesh.geometry.dispose();
    this.overlays.dispose();
    this.renderer.dispose();
  }
}

function rgb(hex: string): THREE.Vector3 {
  const n = Number.parseInt(hex.slice(1), 16);
  return new THREE.Vector3(((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255);
}

/**
 * Size of the whole result in volume units: x spans 1. Results of one tilt series share
 * their lateral extent whatever their binning or thickness, so linked views show them at
 * the same scale.
 */
function boxSizeOf(volume: VolumeData | null): Vec3 {
  if (!volume) return [1, 1, 1];
  const nx = volume.fullSize[0];
  return volume.fullSize.map((n) => n / nx) as Vec3;
}

/** Radius the view is fitted to: the lateral footprint (the same for every result of a tilt series), or the thickness if larger. */
function fitRadius(size: Vec3): number {
  return 0.5 * Math.max(Math.hypot(size[0], size[1]), size[2]);
}

/** Normalised box covered by the uploaded block. */
function regionBox(volume: VolumeData): Box3 {
  const f = volume.fullSize;
  return {
    min: volume.region.start.map((s, i) => s / f[i]) as Vec3,
    max: volume.region.start.map((s, i) => Math.min(f[i], s + volume.dims[i] * volume.factor) / f[i]) as Vec3,
  };
}

export function createVolumeRenderer(): VolumeRenderer {
  const model: Model = {
    volume: null,
    zLo: -2.5,
    zHi: 2.5,
    mode: 'mip',
    steps: 128,
    isoSigma: 2,
    tf: DEFAULT_TF,
    clip: FULL_BOX,
    cursor: null,
    camera: DEFAULT_CAMERA,
    projection: 'perspective',
  };
  const software = deviceLimits().software;
  let gpu: Gpu | null = null;
  let pendingDispose: { gpu: Gpu; timer: ReturnType<typeof setTimeout> } | null = null;
  let observer: ResizeObserver | null = null;
  let frameRequest = 0;
  let stillTimer: ReturnType<typeof setTimeout> | null = null;
  let stillValid = false;
  let error: string | null = null;
  const waiters: (() => void)[] = [];
  const listeners = new Set<(stats: RenderStats) => void>();
  const frameTimes: number[] = [];
  let stats: RenderStats = { quality: 'still', fps: null, stillMs: null, samples: 0, width: 0, height: 0, error: null };
  let lutDirty = true;

  const baseRatio = (): number => (software ? 1 : Math.min(2, window.devicePixelRatio || 1));
  const ratioFor = (quality: Quality): number => (quality === 'still' || !software ? baseRatio() : 0.5);

  const emit = (patch: Partial<RenderStats>): void => {
    stats = { ...stats, ...patch, error };
    for (const listener of listeners) listener(stats);
  };
  const fail = (message: string | null): void => {
    error = message;
    emit({});
  };

  const cssSize = (canvas: HTMLCanvasElement): [number, number] => [Math.floor(canvas.clientWidth), Math.floor(canvas.clientHeight)];

  function uploadVolume(g: Gpu): void {
    const volume = model.volume;
    const quantised = volume?.format === 'u8';
    if (g.uploaded && g.uploaded.volume === volume && (!quantised || (g.uploaded.zLo === model.zLo && g.uploaded.zHi === model.zHi))) return;
    g.volumeTexture?.dispose();
    g.volumeTexture = null;
    g.uploaded = null;
    g.material.uniforms.volumeTex.value = null;
    if (!volume) return;
    const limit = g.renderer.getContext().getParameter((g.renderer.getContext() as WebGL2RenderingContext).MAX_3D_TEXTURE_SIZE) as number;
    if (volume.dims.some((n) => n > limit)) {
      fail(`The volume (${volume.dims.join(' × ')}) exceeds this GPU's 3-D texture size (${limit})`);
      return;
    }
    const [nx, ny, nz] = volume.dims;
    const texture =
      volume.format === 'u8'
        ? new THREE.Data3DTexture(quantize8(volume.data, volume.mean, volume.std, model.zLo, model.zHi), nx, ny, nz)
        : new THREE.Data3DTexture(toHalfZScores(volume.data, volume.mean, volume.std), nx, ny, nz);
    texture.format = THREE.RedFormat;
    texture.type = volume.format === 'u8' ? THREE.UnsignedByteType : THREE.HalfFloatType;
    texture.minFilter = THREE.LinearFilter;
    texture.magFilter = THREE.LinearFilter;
    texture.wrapS = texture.wrapT = texture.wrapR = THREE.ClampToEdgeWrapping;
    texture.unpackAlignment = 1;
    texture.generateMipmaps = false;
    texture.needsUpdate = true;
    g.volumeTexture = texture;
    g.uploaded = { volume, zLo: model.zLo, zHi: model.zHi };
    g.material.uniforms.volumeTex.value = texture;
    g.checkUpload = true;
    if (error) fail(null);
  }

  function effectiveBox(): Box3 {
    return model.volume ? intersectBoxes(model.clip, regionBox(model.volume)) : model.clip;
  }

  function syncScene(g: Gpu, quality: Quality): void {
    uploadVolume(g);
    if (lutDirty) {
      g.lut.image.data!.set(buildLut(model.tf));
      g.lut.needsUpdate = true;
      lutDirty = false;
    }
    const u = g.material.uniforms;
    const volume = model.volume;
    const size = boxSizeOf(volume);
    const box = effectiveBox();
    const empty = box.max.some((v, i) => v - box.min[i] <= 1e-6);
    g.mesh.visible = !!volume && !!g.volumeTexture && !empty;
    g.mesh.scale.set(...(box.max.map((v, i) => Math.max(1e-4, (v - box.min[i]) * size[i])) as Vec3));
    g.mesh.position.set(...(box.max.map((v, i) => ((v + box.min[i]) / 2 - 0.5) * size[i]) as Vec3));
    g.overlays.group.visible = !!volume;
    g.overlays.update(size, model.clip, model.cursor, !isFullBox(model.clip));
    u.boxSize.value.set(...size);
    u.boxMin.value.set(...box.min);
    u.boxMax.value.set(...box.max);
    if (volume) {
      const f = volume.fullSize;
      u.texOrigin.value.set(...(volume.region.start.map((s, i) => s / f[i]) as Vec3));
      u.texScale.value.set(...(f.map((n, i) => n / (volume.dims[i] * volume.factor)) as Vec3));
      u.gradStep.value.set(...(f.map((n) => volume.factor / n) as Vec3));
      const quantised = volume.format === 'u8';
      u.valueScale.value = quantised ? model.zHi - model.zLo : 1;
      u.valueOffset.value = quantised ? model.zLo : 0;
    }
    const flip = model.tf.invert ? -1 : 1;
    const lo = model.tf.invert ? -model.zHi : model.zLo;
    const hi = model.tf.invert ? -model.zLo : model.zHi;
    u.signFlip.value = flip;
    u.winLo.value = lo;
    u.winInvWidth.value = 1 / Math.max(1e-6, hi - lo);
    // value() in the shader already carries signFlip, so the threshold stays +σ: inverted, the surface wraps the
    // voxels at or below −σ (dense matter in raw contrast), instead of everything above −σ (the whole box).
    u.isoValue.value = model.isoSigma;
    u.mode.value = MODE_INDEX[model.mode];
    const samples = quality === 'still' ? 2 * model.steps : model.steps;
    u.stepLength.value = 1 / samples;
    u.opacityExponent.value = 1 / samples / REFERENCE_STEP;
    const light = model.tf.background === 'light';
    u.bgColor.value.copy(rgb(BACKGROUNDS[model.tf.background]));
    u.surfaceColor.value.set(...((light ? [0.5, 0.56, 0.64] : [0.9, 0.85, 0.72]) as Vec3));
    g.renderer.setClearColor(BACKGROUNDS[model.tf.background], 1);
  }

  function placeCamera(g: Gpu, aspect: number): THREE.Camera {
    const size = boxSizeOf(model.volume);
    const radius = fitRadius(size);
    const { rotation, zoom, pan } = model.camera;
    const q = new THREE.Quaternion(...rotation);
    const target = new THREE.Vector3(...rotateVector(rotation, [-pan[0], -pan[1], 0]));
    const vfov = THREE.MathUtils.degToRad(FOV_DEG);
    const hfov = 2 * Math.atan(Math.tan(vfov / 2) * aspect);
    const distance = radius / Math.sin(Math.min(vfov, hfov) / 2) / zoom;
    const forward = new THREE.Vector3(...rotateVector(rotation, [0, 0, 1]));
    if (model.projection === 'orthographic') {
      const cam = g.orthographic;
      const halfHeight = (radius * (aspect < 1 ? 1 / aspect : 1)) / zoom;
      Object.assign(cam, { left: -halfHeight * aspect, right: halfHeight * aspect, top: halfHeight, bottom: -halfHeight, near: 0.01, far: 8 + 2 * radius });
      cam.position.copy(target).addScaledVector(forward, 4);
      cam.quaternion.copy(q);
      cam.updateProjectionMatrix();
      cam.updateMatrixWorld();
      return cam;
    }
    const cam = g.perspective;
    cam.aspect = aspect;
    cam.near = Math.max(0.002, (distance - 2 * radius) * 0.5);
    cam.far = distance + 4 * radius;
    cam.position.copy(target).addScaledVector(forward, distance);
    cam.quaternion.copy(q);
    cam.updateProjectionMatrix();
    cam.updateMatrixWorld();
    return cam;
  }

  let lastCamera: THREE.Camera | null = null;

  /** Draw one frame; returns false when nothing could be drawn. */
  function draw(quality: Quality, options: { sync?: boolean; ratio?: number } = {}): boolean {
    const g = gpu;
    if (!g || g.lost) return false;
    const [w, h] = cssSize(g.canvas);
    if (w < 2 || h < 2) return false;
    const ratio = options.ratio ?? ratioFor(quality);
    if (g.renderer.getPixelRatio() !== ratio) g.renderer.setPixelRatio(ratio);
    const current = g.renderer.getSize(new THREE.Vector2());
    if (current.x !== w || current.y !== h || g.canvas.width !== Math.floor(w * ratio)) g.renderer.setSize(w, h, false);
    syncScene(g, quality);
    const camera = placeCamera(g, w / h);
    lastCamera = camera;
    const start = performance.now();
    g.renderer.render(g.scene, camera);
    const gl = g.renderer.getContext();
    if (g.checkUpload) {
      g.checkUpload = false;
      if (gl.getError() === gl.OUT_OF_MEMORY) {
        g.volumeTexture?.dispose();
        g.volumeTexture = null;
        g.mesh.visible = false;
        fail('Out of GPU memory while uploading the volume: try 8-bit textures or a smaller clip region');
      }
    }
    if (options.sync || quality === 'still') gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
    const elapsed = performance.now() - start;
    const samples = quality === 'still' ? 2 * model.steps : model.steps;
    if (quality === 'still') {
      stillValid = !!model.volume;
      emit({ quality, stillMs: elapsed, samples, width: g.canvas.width, height: g.canvas.height });
      if (stillValid) for (const resolve of waiters.splice(0)) resolve();
    } else if (!options.sync) {
      const now = performance.now();
      frameTimes.push(now);
      while (frameTimes.length > 1 && now - frameTimes[0] > 1500) frameTimes.shift();
      const fps = frameTimes.length >= 2 ? ((frameTimes.length - 1) * 1000) / (now - frameTimes[0]) : stats.fps;
      emit({ quality, fps, samples, width: g.canvas.width, height: g.canvas.height });
    }
    return true;
  }

  function drawStill(): void {
    stillTimer = null;
    if (frameRequest) return; // an interactive frame is pending; it re-arms the still frame
    draw('still');
  }

  /** A change: draw an interactive frame next, then a still one when things settle. */
  function invalidate(interactive = true): void {
    stillValid = false;
    if (!gpu) return;
    if (!interactive) {
      if (stillTimer) clearTimeout(stillTimer);
      stillTimer = setTimeout(drawStill, 0);
      return;
    }
    if (!frameRequest)
      frameRequest = requestAnimationFrame(() => {
        frameRequest = 0;
        draw('interactive');
        if (stillTimer) clearTimeout(stillTimer);
        stillTimer = setTimeout(drawStill, STILL_DELAY_MS);
      });
  }

  function build(canvas: HTMLCanvasElement): Gpu {
    const g = new Gpu(canvas);
    canvas.addEventListener('webglcontextlost', (event) => {
      event.preventDefault();
      g.lost = true;
      if (g.disposing) return;
      fail('The WebGL context was lost (GPU reset or too many views): switch to Slices and back to rebuild the 3-D view');
    });
    return g;
  }

  return {
    attach(canvas) {
      if (pendingDispose && pendingDispose.gpu.canvas === canvas && !pendingDispose.gpu.lost) {
        // React re-mounted the same canvas (StrictMode): keep the context and textures.
        clearTimeout(pendingDispose.timer);
        gpu = pendingDispose.gpu;
        pendingDispose = null;
      } else {
        if (gpu) this.detach();
        try {
          gpu = build(canvas);
        } catch (e) {
          fail(`WebGL2 is not available for the 3-D view: ${e instanceof Error ? e.message : String(e)}`);
          return;
        }
      }
      lutDirty = true;
      observer = new ResizeObserver(() => invalidate(false));
      observer.observe(canvas);
      invalidate(false);
    },
    detach() {
      if (frameRequest) cancelAnimationFrame(frameRequest);
      frameRequest = 0;
      if (stillTimer) clearTimeout(stillTimer);
      stillTimer = null;
      observer?.disconnect();
      observer = null;
      if (!gpu) return;
      const old = gpu;
      gpu = null;
      if (pendingDispose) {
        clearTimeout(pendingDispose.timer);
        pendingDispose.gpu.dispose();
      }
      // Dispose a moment later unless the same canvas comes back; then free the context.
      pendingDispose = {
        gpu: old,
        timer: setTimeout(() => {
          pendingDispose = null;
          old.disposing = true;
          old.dispose();
          old.renderer.forceContextLoss();
        }, 0),
      };
    },
    setVolume(volume) {
      model.volume = volume;
      stillValid = false;
      invalidate(false);
    },
    setWindow(zLo, zHi) {
      if (zLo === model.zLo && zHi === model.zHi) return;
      model.zLo = zLo;
      model.zHi = zHi;
      invalidate(false);
    },
    setMode(mode) {
      if (mode === model.mode) return;
      model.mode = mode;
      invalidate(false);
    },
    setSteps(steps) {
      const n = Math.max(8, Math.min(2048, Math.round(steps)));
      if (n === model.steps) return;
      model.steps = n;
      invalidate(false);
    },
    setIsoThreshold(sigma) {
      if (sigma === model.isoSigma) return;
      model.isoSigma = sigma;
      invalidate();
    },
    setTransferFunction(tf) {
      if (tf === model.tf) return;
      model.tf = tf;
      lutDirty = true;
      invalidate();
    },
    setClip(box) {
      model.clip = box;
      invalidate();
    },
    setSlicePlanes(cursor) {
      model.cursor = cursor;
      invalidate(false);
    },
    setCamera(camera) {
      if (camera === model.camera) return;
      model.camera = camera;
      invalidate();
    },
    setProjection(projection) {
      if (projection === model.projection) return;
      model.projection = projection;
      invalidate(false);
    },
    unitsPerPixel() {
      const canvas = gpu?.canvas;
      const h = canvas ? Math.max(1, canvas.clientHeight) : 500;
      const w = canvas ? Math.max(1, canvas.clientWidth) : 500;
      const aspect = w / h;
      const radius = fitRadius(boxSizeOf(model.volume));
      const vfov = THREE.MathUtils.degToRad(FOV_DEG);
      if (model.projection === 'orthographic') return (2 * radius * (aspect < 1 ? 1 / aspect : 1)) / model.camera.zoom / h;
      const hfov = 2 * Math.atan(Math.tan(vfov / 2) * aspect);
      const distance = radius / Math.sin(Math.min(vfov, hfov) / 2) / model.camera.zoom;
      return (2 * distance * Math.tan(vfov / 2)) / h;
    },
    onStats(listener) {
      listeners.add(listener);
      listener(stats);
      return () => listeners.delete(listener);
    },
    renderNow() {
      if (frameRequest) cancelAnimationFrame(frameRequest);
      frameRequest = 0;
      if (stillTimer) clearTimeout(stillTimer);
      stillTimer = null;
      draw('still');
    },
    whenStill() {
      if (stillValid && !frameRequest && !stillTimer) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    snapshot(scale) {
      const g = gpu;
      if (!g) throw new Error('The 3-D view is not ready');
      const [w, h] = cssSize(g.canvas);
      const caps = g.renderer.capabilities;
      const gl = g.renderer.getContext();
      const maxSide = Math.min(caps.maxTextureSize, Number(gl.getParameter(gl.MAX_RENDERBUFFER_SIZE)) || caps.maxTextureSize, 8192);
      const ratio = Math.max(0.1, Math.min(scale, maxSide / Math.max(1, w), maxSide / Math.max(1, h)));
      if (!draw('still', { ratio })) throw new Error('Nothing to export yet');
      const out = document.createElement('canvas');
      out.width = g.canvas.width;
      out.height = g.canvas.height;
      const ctx = out.getContext('2d');
      if (!ctx) throw new Error('No 2-D canvas context for the export');
      ctx.drawImage(g.canvas, 0, 0);
      invalidate(false);
      return out;
    },
    measureFps(frames, mode) {
      const saved = { camera: model.camera, mode: model.mode };
      if (mode) model.mode = mode;
      const n = Math.max(1, Math.round(frames));
      const start = performance.now();
      let drawn = 0;
      for (let i = 0; i < n; i++) {
        model.camera = turntable(saved.camera, (2 * Math.PI * (i + 1)) / n);
        if (draw('interactive', { sync: true })) drawn++;
      }
      const ms = performance.now() - start;
      const canvas = gpu?.canvas;
      const result: FpsMeasurement = {
        mode: model.mode,
        frames: drawn,
        fps: drawn ? (drawn * 1000) / ms : 0,
        msPerFrame: drawn ? ms / drawn : 0,
        width: canvas?.width ?? 0,
        height: canvas?.height ?? 0,
        samples: model.steps,
      };
      model.camera = saved.camera;
      model.mode = saved.mode;
      invalidate(false);
      return result;
    },
    project(point) {
      const g = gpu;
      if (!g || !lastCamera) return null;
      const size = boxSizeOf(model.volume);
      const v = new THREE.Vector3((point[0] - 0.5) * size[0], (point[1] - 0.5) * size[1], (point[2] - 0.5) * size[2]).project(lastCamera);
      return [((v.x + 1) / 2) * g.canvas.width, ((1 - v.y) / 2) * g.canvas.height];
    },
    async recordTurntable(seconds) {
      const g = gpu;
      if (!g) throw new Error('The 3-D view is not ready');
      if (typeof MediaRecorder === 'undefined') throw new Error('This browser cannot record video (no MediaRecorder)');
      const type = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t));
      if (!type) throw new Error('This browser cannot record WebM video');
      const stream = g.canvas.captureStream(0);
      const track = stream.getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;
      const recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 8_000_000 });
      const chunks: Blob[] = [];
      recorder.ondataavailable = (event) => event.data.size && chunks.push(event.data);
      const stopped = new Promise<void>((resolve) => (recorder.onstop = () => resolve()));
      const saved = model.camera;
      const fps = 25;
      const frames = Math.max(12, Math.round(seconds * fps));
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      recorder.start();
      try {
        for (let i = 0; i < frames; i++) {
          // The recorder is paused while a frame renders, so slow devices still get a
          // video at the right speed: each frame is on the record for 1/fps s.
          if (i > 0) recorder.pause();
          model.camera = turntable(saved, (2 * Math.PI * i) / frames);
          draw('still', { ratio: baseRatio() });
          if (i > 0) recorder.resume();
          track.requestFrame();
          await sleep(1000 / fps);
        }
      } finally {
        model.camera = saved;
        recorder.stop();
        await stopped;
        for (const t of stream.getTracks()) t.stop();
        invalidate(false);
      }
      return new Blob(chunks, { type: 'video/webm' });
    },
    canvas() {
      return gpu?.canvas ?? null;
    },
    limits() {
      if (!gpu) return null;
      const gl = gpu.renderer.getContext() as WebGL2RenderingContext;
      return { maxTextureSize: gpu.renderer.capabilities.maxTextureSize, max3dTextureSize: Number(gl.getParameter(gl.MAX_3D_TEXTURE_SIZE)) };
    },
  };
}
