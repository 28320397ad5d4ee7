/**
 * One ray-marching shader for the three modes (WebGL2, GLSL ES 3.0, sampler3D). The mesh is
 * the box to march (clip box ∩ slab ∩ uploaded region) drawn with its back faces, so every
 * covered pixel runs the fragment shader once, also with the camera inside the box. World
 * coordinates are "volume units": the whole result is centred at 0 and its x extent is 1.
 */

export const MODE_INDEX = { mip: 0, dvr: 1, iso: 2 } as const;

/** Upper bound of the loop; the real count comes from the step length. */
export const MAX_STEPS = 4096;

export const VOLUME_VERTEX_SHADER = /* glsl */ `
out vec3 vWorld;
void main() {
  vec4 world = modelMatrix * vec4(position, 1.0);
  vWorld = world.xyz;
  gl_Position = projectionMatrix * viewMatrix * world;
}
`;

export const VOLUME_FRAGMENT_SHADER = /* glsl */ `
precision highp float;
precision highp sampler3D;

uniform sampler3D volumeTex;
uniform sampler2D lutTex;
uniform vec3 boxSize;      // size of the whole result, volume units
uniform vec3 boxMin;       // box to march, normalised (0…1) result coordinates
uniform vec3 boxMax;
uniform vec3 texOrigin;    // texture coordinate = (f − texOrigin) · texScale
uniform vec3 texScale;
uniform vec3 gradStep;     // one texel, normalised result coordinates
uniform int mode;          // 0 MIP, 1 DVR, 2 isosurface
uniform float stepLength;  // volume units
uniform float opacityExponent; // stepLength / reference step
uniform float valueScale;  // texel → z-score
uniform float valueOffset;
uniform float signFlip;    // −1: inverted values
uniform float winLo;       // window (signed z-scores)
uniform float winInvWidth;
uniform float isoValue;    // signed z-score
uniform vec3 bgColor;
uniform vec3 surfaceColor;
uniform float jitterAmount;

in vec3 vWorld;
out vec4 fragColor;

float value(vec3 f) {
  float t = texture(volumeTex, (f - texOrigin) * texScale).r;
  return signFlip * (t * valueScale + valueOffset);
}

vec4 lut(float s) {
  float x = clamp((s - winLo) * winInvWidth, 0.0, 1.0);
  return texture(lutTex, vec2(x * (255.0 / 256.0) + 0.5 / 256.0, 0.5));
}

float hash(vec2 p) {
  return fract(sin(dot(p, vec2(12.9898, 78.233))) * 43758.5453);
}

void main() {
  vec3 origin;
  vec3 dir;
  if (isOrthographic) {
    dir = normalize(vec3(-viewMatrix[0][2], -viewMatrix[1][2], -viewMatrix[2][2]));
    origin = vWorld - dir * 8.0;
  } else {
    origin = cameraPosition;
    dir = normalize(vWorld - cameraPosition);
  }
  vec3 safeDir = vec3(abs(dir.x) < 1e-7 ? 1e-7 : dir.x, abs(dir.y) < 1e-7 ? 1e-7 : dir.y, abs(dir.z) < 1e-7 ? 1e-7 : dir.z);
  vec3 inv = 1.0 / safeDir;
  vec3 t0 = ((boxMin - 0.5) * boxSize - origin) * inv;
  vec3 t1 = ((boxMax - 0.5) * boxSize - origin) * inv;
  vec3 tLow = min(t0, t1);
  vec3 tHigh = max(t0, t1);
  float tNear = max(max(max(tLow.x, tLow.y), tLow.z), 0.0);
  float tFar = min(min(tHigh.x, tHigh.y), tHigh.z);
  if (tNear >= tFar) {
    fragColor = vec4(bgColor, 1.0);
    return;
  }
  float jitter = jitterAmount * hash(gl_FragCoord.xy) + (1.0 - jitterAmount) * 0.5;
  float t = tNear + jitter * stepLength;
  int n = int(ceil((tFar - t) / stepLength));
  vec3 fStep = dir * stepLength / boxSize;
  vec3 f = (origin + dir * t) / boxSize + 0.5;

  if (mode == 0) {
    float best = -1e30;
    float top = winLo + 1.0 / winInvWidth;
    for (int i = 0; i < ${MAX_STEPS}; i++) {
      if (i >= n) break;
      best = max(best, value(f));
      if (best >= top) break; // saturated: early ray termination
      f += fStep;
    }
    fragColor = vec4(n > 0 ? lut(best).rgb : bgColor, 1.0);
    return;
  }

  if (mode == 1) {
    vec4 acc = vec4(0.0);
    for (int i = 0; i < ${MAX_STEPS}; i++) {
      if (i >= n) break;
      vec4 c = lut(value(f));
      float a = 1.0 - pow(1.0 - min(c.a, 0.999), opacityExponent);
      acc.rgb += (1.0 - acc.a) * a * c.rgb;
      acc.a += (1.0 - acc.a) * a;
      if (acc.a > 0.985) break; // early ray termination
      f += fStep;
    }
    fragColor = vec4(acc.rgb + (1.0 - acc.a) * bgColor, 1.0);
    return;
  }

  // Isosurface: first sample at or above the threshold, refined by bisection, Blinn-Phong shaded.
  bool hit = false;
  bool entry = false;
  vec3 fPrev = f;
  for (int i = 0; i < ${MAX_STEPS}; i++) {
    if (i >= n) break;
    if (value(f) >= isoValue) {
      hit = true;
      entry = i == 0;
      break;
    }
    fPrev = f;
    f += fStep;
  }
  if (!hit) {
    fragColor = vec4(bgColor, 1.0);
    return;
  }
  vec3 normal;
  vec3 view = -dir;
  if (entry) {
    normal = view; // the surface is cut by the clip box: shade the cut face flat
  } else {
    vec3 a = fPrev;
    vec3 b = f;
    for (int k = 0; k < 6; k++) {
      vec3 m = 0.5 * (a + b);
      if (value(m) >= isoValue) b = m; else a = m;
    }
    f = b;
    vec3 g = vec3(
      value(f + vec3(gradStep.x, 0.0, 0.0)) - value(f - vec3(gradStep.x, 0.0, 0.0)),
      value(f + vec3(0.0, gradStep.y, 0.0)) - value(f - vec3(0.0, gradStep.y, 0.0)),
      value(f + vec3(0.0, 0.0, gradStep.z)) - value(f - vec3(0.0, 0.0, gradStep.z))
    ) / (2.0 * gradStep * boxSize);
    normal = length(g) > 1e-12 ? -normalize(g) : view;
    if (dot(normal, view) < 0.0) normal = -normal;
  }
  vec3 light = normalize(view + 0.35 * normalize(cross(view, vec3(0.0, 1.0, 0.001))) );
  float diffuse = max(dot(normal, light), 0.0);
  vec3 halfway = normalize(light + view);
  float specular = pow(max(dot(normal, halfway), 0.0), 48.0);
  vec3 colour = surfaceColor * (0.22 + 0.78 * diffuse) + vec3(0.35 * specular);
  fragColor = vec4(min(colour, vec3(1.0)), 1.0);
}
`;
